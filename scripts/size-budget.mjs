#!/usr/bin/env node
// Size budget (CI): bundles every entry of every broker package (each subpath of its `exports`) with
// esbuild (bundle, minify, ESM, platform neutral: what a browser or edge bundle gets), gzips it (-9)
// and fails when one is over its budget (scripts/size-budget.json: 16 kB, or for an entry still over
// that, a ceiling it may not grow past). tough-cookie stays external: the middleware loads it lazily,
// only for manifests with sticky sessions. Node built-ins stay external too. Then prints what each
// middleware layer adds, measured the way `pnpm bench` does (packages/bench/src/suites/bundle/layers.ts).
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
/** Loaded lazily by the middleware (cookie-jar.ts), so not part of what an entry loads up front. */
const LAZY = ["tough-cookie"];
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

async function measure(specifier) {
  const result = await build({
    stdin: { contents: `export * from "${specifier}";`, resolveDir: BENCH_DIR, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: [...BUILTINS, ...LAZY],
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
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
  `Entry sizes (esbuild minify, ESM, platform neutral; ${LAZY.join(", ")} lazy; target ${BUDGETS.budgetKb} kB gzip)\n`,
);
console.log(`${pad("entry", 34)}${pad("min kB", 9)}${pad("gzip kB", 9)}${pad("budget kB", 11)}`);
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
  console.log(
    `${pad(entry, 34)}${pad(kb(size.minBytes), 9)}${pad(kb(size.gzipBytes), 9)}${pad(kb(budget), 11)}${verdict}`,
  );
}

if (!process.argv.includes("--no-layers")) {
  const layers = join(BENCH_DIR, "dist/suites/bundle/layers.js");
  const { measureLayers } = await import(pathToFileURL(layers).href);
  const budget = await measureLayers(BENCH_DIR, () => {});
  console.log(`\nWhat each middleware layer adds on top of the core (${kb(budget.core.gzipBytes)} kB gzip)\n`);
  for (const part of budget.parts)
    console.log(`${pad(part.name, 72)}${pad(kb(part.minBytes), 7)}${kb(part.gzipBytes)}`);
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
