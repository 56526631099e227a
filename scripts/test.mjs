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

// Build first, then test with --only: arguments after `--` enter the hash of every task in that run, so a
// `turbo run test -- …` that also ran the builds would miss the cache of the builds CI has just made and
// build every package again, one at a time (about 2 minutes on 2 cores).
let started = step("Building every package (turbo run build; cached when CI has just built)");
run("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"]);
done(started);

started = step("Testing every package (turbo run test --only; the builds are done)");
const status = run(
  "pnpm",
  [
    "exec",
    "turbo",
    "run",
    "test",
    "--only",
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
const erred = [];
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
  // Vitest marks a run unsuccessful for errors outside any test too (an unhandled rejection, a suite that failed to load).
  const outside = !report.success && report.numFailedTests === 0 ? " (and errors outside the tests: see above)" : "";
  if (outside) erred.push(p);
  console.log(`  ${p}: ${report.numPassedTests} passed, ${report.numFailedTests} failed${outside}`);
}
if (missing.length) console.log(`  no test report from: ${missing.join(", ")}`);
console.log(
  `\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped${erred.length ? `; errors outside the tests in: ${erred.join(", ")}` : ""}`,
);
process.exit(status === 0 && failed === 0 ? 0 : 1);
