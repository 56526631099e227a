/**
 * Suite 4, bundle size: esbuild (bundle, minify, ESM, platform neutral) of each entry, min and gzip -9
 * sizes. Node built-ins stay external (a browser or edge bundle needs them polyfilled, so the table
 * names the ones each entry imports). tough-cookie is loaded by dynamic import only when a manifest
 * declares stickiness, so every brokerkit entry is measured without it (what loads up front) and with
 * it inlined (everything).
 */
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { progress, progressDone } from "../../lib/progress.js";
import { round } from "../../lib/stats.js";
import type { Suite, TargetCheck } from "../../lib/suite.js";

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const TARGET_GZIP_KB = 8;

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

interface Size {
  minBytes: number;
  gzipBytes: number;
  /** Node built-ins the bundle imports (left external). */
  builtins: string[];
}

async function bundle(source: string, external: string[]): Promise<Size> {
  const result = await build({
    stdin: { contents: source, resolveDir: BENCH_DIR, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: [...BUILTINS, ...external],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
  const builtins = [...new Set(imports.filter((i) => i.external && BUILTINS.includes(i.path)).map((i) => i.path))];
  return { minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, builtins: builtins.sort() };
}

const kb = (bytes: number) => round(bytes / 1000, 1);

export const bundleSuite: Suite = {
  name: "bundle",
  title: "4. Bundle size (esbuild, minify, ESM, platform neutral)",
  async run() {
    const results: { entry: Entry; without?: Size; with: Size }[] = [];
    for (const entry of ENTRIES) {
      progress(`bundling ${entry.name}`);
      const brokerkit = entry.kind !== "peer" && entry.kind !== "openapi-fetch";
      const all = await bundle(entry.source, []);
      const without = brokerkit ? await bundle(entry.source, ["tough-cookie"]) : undefined;
      results.push({ entry, with: all, ...(without ? { without } : {}) });
    }
    progressDone();
    const targets: TargetCheck[] = results
      .filter((r) => r.entry.kind === "broker")
      .map((r) => {
        const up = r.without ?? r.with;
        return {
          target: `${r.entry.name} (middleware included, tough-cookie lazy) ≤ ${TARGET_GZIP_KB} kB gzip`,
          measured: `${kb(up.gzipBytes)} kB (with tough-cookie inlined: ${kb(r.with.gzipBytes)} kB)`,
          met: up.gzipBytes <= TARGET_GZIP_KB * 1000,
        };
      });
    return {
      method: [
        "Bundle: esbuild 0.28 bundle+minify, format esm, platform neutral (mainFields module, main), Node built-ins external; gzip -9 of the output; kB = 1,000 bytes.",
      ],
      tables: [
        {
          title: "Bundle sizes (kB)",
          headers: [
            "entry",
            "min",
            "gzip",
            "min with tough-cookie",
            "gzip with tough-cookie",
            "Node built-ins left external",
          ],
          rows: results.map((r) => {
            const up = r.without ?? r.with;
            return [
              r.entry.name,
              kb(up.minBytes),
              kb(up.gzipBytes),
              r.without ? kb(r.with.minBytes) : "",
              r.without ? kb(r.with.gzipBytes) : "",
              up.builtins.join(", ") || "none",
            ];
          }),
          notes: [
            "brokerkit rows: min/gzip without tough-cookie (it is imported lazily, only when the manifest declares sticky sessions); the next two columns inline it.",
            "Peers: as published; @alpacahq/alpaca-trade-api/rest leaves out its streaming code.",
          ],
        },
      ],
      targets,
      data: results.map((r) => ({ name: r.entry.name, kind: r.entry.kind, without: r.without, with: r.with })),
    };
  },
};
