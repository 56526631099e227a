/**
 * Suite 4, bundle size: esbuild (bundle, minify, ESM, platform neutral, code splitting) of each entry,
 * min and gzip -9 sizes, measured as CI's size budget measures them (measure.ts). Node built-ins stay
 * external (a browser or edge bundle needs them polyfilled, so the table names the ones each entry
 * imports). What the code loads with `import()` only when it is used (tough-cookie when a manifest
 * declares stickiness, a login's second half, an event stream's loop) is in chunks of their own: every
 * entry is measured up front, and with every chunk it can load.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { progress, progressDone } from "../../lib/progress.js";
import { round } from "../../lib/stats.js";
import type { Suite, TargetCheck } from "../../lib/suite.js";
import { measureLayers } from "./layers.js";
import { bundle, type Size } from "./measure.js";

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../..");
/** Issue 20's budget per broker entry (CI enforces it through scripts/size-budget.mjs). */
const TARGET_GZIP_KB = 16;

interface Entry {
  name: string;
  /** Module text of the entry: what a consumer imports. */
  source: string;
  kind: "broker" | "broker-factory" | "middleware" | "openapi-fetch" | "peer";
}

const ENTRIES: readonly Entry[] = [
  { name: "@brokerkit/alor", source: 'export * from "@brokerkit/alor";', kind: "broker" },
  { name: "@brokerkit/alpaca/trading", source: 'export * from "@brokerkit/alpaca/trading";', kind: "broker" },
  { name: "@brokerkit/alpaca/market-data", source: 'export * from "@brokerkit/alpaca/market-data";', kind: "broker" },
  { name: "@brokerkit/alpaca/broker", source: 'export * from "@brokerkit/alpaca/broker";', kind: "broker" },
  { name: "@brokerkit/saxo", source: 'export * from "@brokerkit/saxo";', kind: "broker" },
  { name: "@brokerkit/alpaca", source: 'export * from "@brokerkit/alpaca";', kind: "broker" },
  { name: "@brokerkit/binance", source: 'export * from "@brokerkit/binance";', kind: "broker" },
  { name: "@brokerkit/alor/streams", source: 'export * from "@brokerkit/alor/streams";', kind: "broker" },
  { name: "@brokerkit/alpaca/streams", source: 'export * from "@brokerkit/alpaca/streams";', kind: "broker" },
  { name: "@brokerkit/saxo/streams", source: 'export * from "@brokerkit/saxo/streams";', kind: "broker" },
  {
    name: "createAlorClient only",
    source: 'export { createAlorClient } from "@brokerkit/alor";',
    kind: "broker-factory",
  },
  {
    name: "createTradingClient only",
    source: 'export { createTradingClient } from "@brokerkit/alpaca/trading";',
    kind: "broker-factory",
  },
  {
    name: "createSaxoClient only",
    source: 'export { createSaxoClient } from "@brokerkit/saxo";',
    kind: "broker-factory",
  },
  { name: "@brokerkit/middleware (all)", source: 'export * from "@brokerkit/middleware";', kind: "middleware" },
  {
    name: "@brokerkit/middleware createBrokerClient",
    source: 'export { createBrokerClient } from "@brokerkit/middleware";',
    kind: "middleware",
  },
  { name: "openapi-fetch", source: 'export { default } from "openapi-fetch";', kind: "openapi-fetch" },
  {
    name: "@alpacahq/alpaca-trade-api/rest",
    source: 'export * from "@alpacahq/alpaca-trade-api/rest";',
    kind: "peer",
  },
  { name: "@alpacahq/alpaca-trade-api", source: 'export * from "@alpacahq/alpaca-trade-api";', kind: "peer" },
  { name: "alor-api", source: 'export * from "alor-api";', kind: "peer" },
];

const kb = (bytes: number) => round(bytes / 1000, 1);

export const bundleSuite: Suite = {
  name: "bundle",
  title: "4. Bundle size (esbuild, minify, ESM, platform neutral)",
  async run() {
    const results: { entry: Entry; size: Size }[] = [];
    for (const entry of ENTRIES) {
      progress(`bundling ${entry.name}`);
      results.push({ entry, size: await bundle(entry.source, BENCH_DIR, []) });
    }
    const layers = await measureLayers(BENCH_DIR, (name) => progress(`bundling the core + ${name}`));
    progressDone();
    const targets: TargetCheck[] = [
      ...results
        .filter((r) => r.entry.kind === "broker")
        .map((r) => ({
          target: `${r.entry.name} (middleware included, tough-cookie lazy) ≤ ${TARGET_GZIP_KB} kB gzip up front`,
          measured: `${kb(r.size.gzipBytes)} kB (with every lazy chunk: ${kb(r.size.all.gzipBytes)} kB)`,
          met: r.size.gzipBytes <= TARGET_GZIP_KB * 1000,
        })),
    ];
    return {
      method: [
        "Bundle: esbuild 0.28 bundle+minify, format esm, platform neutral (mainFields module, main), code splitting, Node built-ins external; gzip -9 of each chunk; kB = 1,000 bytes. Up front = the entry's chunk and the chunks it imports statically (as scripts/size-budget.mjs measures in CI).",
      ],
      tables: [
        {
          title: "Bundle sizes (kB)",
          headers: [
            "entry",
            "min up front",
            "gzip up front",
            "min with lazy chunks",
            "gzip with lazy chunks",
            "Node built-ins left external",
          ],
          rows: results.map((r) => [
            r.entry.name,
            kb(r.size.minBytes),
            kb(r.size.gzipBytes),
            r.size.all.gzipBytes === r.size.gzipBytes ? "" : kb(r.size.all.minBytes),
            r.size.all.gzipBytes === r.size.gzipBytes ? "" : kb(r.size.all.gzipBytes),
            r.size.builtins.join(", ") || "none",
          ]),
          notes: [
            "Lazy chunks: what an entry loads with import() only when it is used (tough-cookie where the manifest declares sticky sessions, Saxo's login completion and streaming hand-off, Alpaca's event-stream loop); empty when it has none.",
            "Peers: as published; @alpacahq/alpaca-trade-api/rest leaves out its streaming code.",
          ],
        },
        {
          title: "What each middleware layer adds (kB, on top of the core)",
          headers: ["part", "issue 3 requires it", "min", "gzip"],
          rows: [
            [
              "core: openapi-fetch createClient, compose/fromFetch/toFetch, error classes",
              "yes",
              kb(layers.core.minBytes),
              kb(layers.core.gzipBytes),
            ],
            ...layers.parts.map((part) => [
              part.name,
              part.required ? "yes" : "no",
              kb(part.minBytes),
              kb(part.gzipBytes),
            ]),
            [
              "core + every part issue 3 requires, bundled together",
              "",
              kb(layers.required.minBytes),
              kb(layers.required.gzipBytes),
            ],
            ...layers.floors.map(({ broker, size }) => [
              `core + the parts of issue 3's set that ${broker}'s default stack composes`,
              "",
              kb(size.minBytes),
              kb(size.gzipBytes),
            ]),
          ],
          notes: [
            "Each row bundles the core with that part's exports and subtracts the core alone, so helpers shared by several parts are charged to each of them; the last rows count them once.",
            "The per-broker rows are the least a REST entry can weigh with these implementations, before its generated config (operations, limits, routes) and the parts later issues added (idempotency, cache, operation table).",
            "Not in the parts: composeBrokerClient, which assembles them from a generated config (the whole-middleware row of the table above includes it).",
          ],
        },
      ],
      targets,
      data: {
        entries: results.map((r) => ({ name: r.entry.name, kind: r.entry.kind, size: r.size })),
        layers,
      },
    };
  },
};
