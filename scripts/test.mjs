#!/usr/bin/env node
// Runs every test from a fresh clone: install, build, then each package's vitest suite through
// turbo (one package at a time: several suites assert timing-sensitive guarantees). Ends with one
// aggregate line, "N passed, N failed, N skipped", read from each package's JSON report.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { done, ensureSetup, root, run, step } from "./lib.mjs";

const REPORT = ".tmp/vitest-report.json";
ensureSetup();
const packages = readdirSync(join(root, "packages")).filter((p) =>
  existsSync(join(root, "packages", p, "package.json")),
);
for (const p of packages) rmSync(join(root, "packages", p, REPORT), { force: true });

const started = step("Building and testing every package (turbo run test; each test task builds first)");
// Arguments after `--` reach only the entry task (test), never the builds it depends on.
const status = run(
  "pnpm",
  [
    "exec",
    "turbo",
    "run",
    "test",
    "--concurrency=1",
    "--continue",
    "--output-logs=full",
    "--",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${REPORT}`,
  ],
  { allowFailure: true },
);
done(started);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const p of packages) {
  const file = join(root, "packages", p, REPORT);
  if (!existsSync(file)) {
    missing.push(p);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  console.log(`  ${p}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
if (missing.length) console.log(`  no test report from: ${missing.join(", ")}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
