/**
 * Runs one suite in this process (started by main.ts with --expose-gc) and writes its result as JSON
 * to the file named by the second argument: `node run-suite.js <suite> <result.json>`.
 */
import { writeFileSync } from "node:fs";
import { printResult } from "./lib/print.js";
import { heading } from "./lib/progress.js";
import type { SuiteResult } from "./lib/suite.js";
import { SUITES } from "./suites/index.js";

const [name, output] = process.argv.slice(2);
const suite = SUITES.find((s) => s.name === name);
if (!suite || !output) {
  console.error(`usage: run-suite <${SUITES.map((s) => s.name).join("|")}> <result.json>`);
  process.exit(2);
}
heading(suite.title);
const started = performance.now();
const partial = await suite.run();
const result: SuiteResult = {
  suite: suite.name,
  title: suite.title,
  durationMs: Math.round(performance.now() - started),
  ...partial,
};
printResult(result);
writeFileSync(output, JSON.stringify(result, null, 2));
// Sockets kept alive by clients under test must not hold the process open.
process.exit(0);
