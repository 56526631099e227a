#!/usr/bin/env node
// `node scripts/drift-official.mjs [--verbose]`: runs `brokerkit drift --fail-on missing,fields` for each official spec
// in ../shared/specs against ours (ALOR Warp; Alpaca Trading, Market Data, Broker) and prints one summary line per API.
// Exits 1 when any API has missing operations, unallowed field differences or stale allow-list entries, 0 with a note
// when ../shared/specs is absent (the official specs are reference data kept outside the repository).
// --verbose prints each full report.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { done, ensurePnpm, hasShared, root, step, turbo } from "./lib.mjs";

const OFFICIAL = [
  { broker: "alor", api: "warp", file: "alor/WarpOpenAPIv2.yml" },
  { broker: "alpaca", api: "trading", file: "alpaca/trading-api.json" },
  { broker: "alpaca", api: "market-data", file: "alpaca/market-data-api.json" },
  { broker: "alpaca", api: "broker", file: "alpaca/broker-api.json" },
];
const FAIL_ON = "missing,fields";
const verbose = process.argv.includes("--verbose");
const shared = join(root, "..", "shared", "specs");

if (!hasShared()) {
  console.log(`drift-official: ${shared} not found; no official specs to compare against (nothing to do)`);
  process.exit(0);
}
ensurePnpm();
let started = step("Building the code generator");
turbo(["run", "build", "--filter=@brokerkit/codegen", "--output-logs=errors-only"]);
done(started);

const bin = join(root, "packages/codegen/bin/brokerkit.mjs");
// The renderer alone: the package index would also load the TypeScript compiler.
const render = verbose ? await import(pathToFileURL(join(root, "packages/codegen/dist/drift/render.js")).href) : {};
started = step(`brokerkit drift --fail-on ${FAIL_ON} against ${shared}`);
const rows = [];
for (const { broker, api, file } of OFFICIAL) {
  const args = ["drift", broker, "--api", api, "--against", join(shared, file), "--fail-on", FAIL_ON];
  const result = spawnSync("node", [bin, ...args, "--json"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.status !== 0 && result.status !== 1) {
    // Exit 2 or 3: the comparison did not run (bad input); say why.
    process.stderr.write(result.stderr);
    rows.push({ name: `${broker}/${api}`, error: `exit ${result.status}`, args });
    continue;
  }
  const report = JSON.parse(result.stdout);
  if (verbose) console.log(`\n${render.renderReport(report)}`);
  rows.push({ name: `${broker}/${api}`, report, failed: report.failed, args });
}
done(started);

const header = ["API", "upstream ops", "ours", "shared", "missing", "fields", "other", "allowed", "stale", "result"];
const table = rows.map(({ name, report, error, failed }) =>
  error
    ? [name, "", "", "", "", "", "", "", "", `error (${error})`]
    : [
        name,
        report.operations.upstream,
        report.operations.ours,
        report.operations.shared,
        report.summary.missing,
        report.summary.fields,
        report.summary.other,
        report.summary.allowed,
        report.summary.stale,
        failed ? "FAIL" : "ok",
      ].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`\n${format(header)}\n${table.map(format).join("\n")}`);
console.log(
  "(other = extra operations, servers, security schemes: reported, not failing under --fail-on missing,fields)",
);

const failing = rows.filter((r) => r.error || r.failed);
if (failing.length) {
  console.error(`\n✗ drift: ${failing.length} of ${rows.length} APIs differ from the official specs. To see why:`);
  for (const r of failing) console.error(`  pnpm drift ${r.args.slice(1).join(" ")}`);
  process.exit(1);
}
console.log("\n✓ drift: every API matches its official spec, apart from allow-listed differences");
