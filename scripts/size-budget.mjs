#!/usr/bin/env node
// Size budget (CI): bundles every entry of every broker package (each subpath of its `exports`) with
// esbuild as an app would (bundle, minify, ESM, platform neutral: what a browser or edge bundle gets,
// with code splitting on) and gzips each chunk (-9). What an entry loads up front is its own chunk plus
// the chunks it imports statically, transitively; that must fit its budget (scripts/size-budget.json:
// 16 kB, or for an entry still over that, a ceiling it may not grow past). What the code loads with
// `import()` only when a configuration or an optional feature needs it (tough-cookie for sticky sessions,
// ws where a runtime has no WebSocket, the connection loop of Alpaca's event streams with
// eventsource-parser, Saxo's login code exchange and streaming hand-off, @msgpack/msgpack for MessagePack
// streams) lands in chunks of its own: the script prints the total with the lazy chunks the entry can reach too.
// Node built-ins stay external. Then prints what each middleware layer adds, measured the way
// `pnpm bench` does (packages/bench/src/suites/bundle/layers.ts).
// Needs the packages built (`pnpm exec turbo run build`). Usage: node scripts/size-budget.mjs [--no-layers]
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { root } from "./lib.mjs";

const BUDGETS = JSON.parse(readFileSync(join(root, "scripts/size-budget.json"), "utf8"));
/** Budget of an entry, gzip -9 bytes (kB = 1,000 bytes, as in the bench). */
const budgetOf = (entry) => Math.round((BUDGETS.ceilingsKb[entry] ?? BUDGETS.budgetKb) * 1000);
const BENCH_DIR = join(root, "packages/bench");
const BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

// The esbuild version the bench pins, resolved from the bench package.
const { build } = createRequire(join(BENCH_DIR, "package.json"))("esbuild");

/** Broker packages: the ones generated from a manifest (they have a `generate` script). */
function brokerEntries() {
  const entries = [];
  for (const dir of readdirSync(join(root, "packages")).sort()) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    if (!manifest.scripts?.generate || !manifest.exports) continue;
    for (const subpath of Object.keys(manifest.exports)) {
      if (subpath.endsWith(".json")) continue;
      entries.push(subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`);
    }
  }
  return entries;
}

/**
 * One entry bundled as an app would bundle it: code splitting on, so what the middleware loads with
 * `import()` (tough-cookie for sticky sessions, ws where a runtime has no WebSocket, a layer only some
 * configurations use) lands in chunks of its own. Up front = the entry's chunk and the chunks it imports
 * statically, transitively (what loads before the first call); total = every chunk. Each chunk is gzipped
 * on its own, as it would be served.
 */
async function measure(specifier) {
  const result = await build({
    entryPoints: ["entry"],
    plugins: [
      {
        name: "entry",
        setup(plugin) {
          plugin.onResolve({ filter: /^entry$/ }, () => ({ path: "entry", namespace: "entry" }));
          plugin.onLoad({ filter: /.*/, namespace: "entry" }, () => ({
            contents: `export * from "${specifier}";`,
            resolveDir: BENCH_DIR,
            loader: "js",
          }));
        },
      },
    ],
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: BUILTINS,
    outdir: "out",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const sizes = new Map();
  for (const file of result.outputFiles) {
    const path = file.path.slice(file.path.lastIndexOf("/out/") + 1);
    sizes.set(path, {
      minBytes: file.contents.byteLength,
      gzipBytes: gzipSync(file.contents, { level: 9 }).byteLength,
    });
  }
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint !== undefined);
  // Chunks an output imports, statically only or also with import() (esbuild emits a chunk for every
  // import() it parsed, even in code it then dropped: only those the entry can reach are counted).
  const reach = (path, kinds, seen = new Set()) => {
    if (seen.has(path) || !outputs[path]) return seen;
    seen.add(path);
    for (const item of outputs[path].imports)
      if (!item.external && kinds.includes(item.kind)) reach(item.path, kinds, seen);
    return seen;
  };
  const upFront = reach(entry, ["import-statement"]);
  const loadable = reach(entry, ["import-statement", "dynamic-import"]);
  const sum = (paths) =>
    [...paths].reduce(
      (total, path) => ({
        minBytes: total.minBytes + (sizes.get(path)?.minBytes ?? 0),
        gzipBytes: total.gzipBytes + (sizes.get(path)?.gzipBytes ?? 0),
      }),
      { minBytes: 0, gzipBytes: 0 },
    );
  return { ...sum(upFront), total: sum(loadable), lazyChunks: loadable.size - upFront.size };
}

const kb = (bytes) => (bytes / 1000).toFixed(1);
const pad = (text, width) => String(text).padEnd(width);

const entries = brokerEntries();
if (entries.length === 0) {
  console.error("size-budget: found no broker package under packages/ (a package.json with a generate script)");
  process.exit(2);
}
const over = [];
console.log(
  `Entry sizes (esbuild minify, ESM, platform neutral, code splitting; target ${BUDGETS.budgetKb} kB gzip up front)\n`,
);
console.log(
  `${pad("entry", 32)}${pad("up front: min kB", 18)}${pad("gzip kB", 9)}${pad("budget kB", 11)}${pad("with lazy chunks: gzip kB", 27)}verdict`,
);
const overTarget = [];
for (const entry of entries) {
  let size;
  try {
    size = await measure(entry);
  } catch (error) {
    console.error(`size-budget: cannot bundle ${entry} (are the packages built?): ${error.message}`);
    process.exit(2);
  }
  const budget = budgetOf(entry);
  const fits = size.gzipBytes <= budget;
  if (!fits) over.push(`${entry}: ${kb(size.gzipBytes)} kB gzip, budget ${kb(budget)} kB`);
  if (size.gzipBytes > BUDGETS.budgetKb * 1000) overTarget.push(entry);
  const verdict = !fits ? "OVER BUDGET" : budget > BUDGETS.budgetKb * 1000 ? "ok (ceiling; target 16)" : "ok";
  const lazy = size.lazyChunks === 0 ? "(no lazy chunk)" : `${kb(size.total.gzipBytes)} (${size.lazyChunks} lazy)`;
  console.log(
    `${pad(entry, 32)}${pad(kb(size.minBytes), 18)}${pad(kb(size.gzipBytes), 9)}${pad(kb(budget), 11)}${pad(lazy, 27)}${verdict}`,
  );
}

if (!process.argv.includes("--no-layers")) {
  const layers = join(BENCH_DIR, "dist/suites/bundle/layers.js");
  const { measureLayers } = await import(pathToFileURL(layers).href);
  const budget = await measureLayers(BENCH_DIR, () => {});
  console.log(`\nWhat each middleware layer adds on top of the core (${kb(budget.core.gzipBytes)} kB gzip)\n`);
  for (const part of budget.parts)
    console.log(`${pad(part.name, 72)}${pad(kb(part.minBytes), 7)}${kb(part.gzipBytes)}`);
  console.log("\nThe core and the parts of issue 3's set one broker's default stack composes, bundled together\n");
  for (const { broker, size } of budget.floors)
    console.log(`${pad(broker, 72)}${pad(kb(size.minBytes), 7)}${kb(size.gzipBytes)}`);
}

if (over.length > 0) {
  console.error(
    `\nsize-budget: ${over.length} entr${over.length === 1 ? "y is" : "ies are"} over budget (scripts/size-budget.json):`,
  );
  for (const line of over) console.error(`  ${line}`);
  process.exit(1);
}
console.log(
  overTarget.length === 0
    ? `\nEvery entry is within ${BUDGETS.budgetKb} kB gzip.`
    : `\nEvery entry is within its budget; over the ${BUDGETS.budgetKb} kB target still: ${overTarget.join(", ")}.`,
);
