/** Prints a suite's result on the terminal. */
import type { SuiteResult } from "./suite.js";
import { terminalTable } from "./table.js";

export function printResult(result: SuiteResult): void {
  for (const table of result.tables) {
    console.log(`\n${table.title}\n`);
    console.log(terminalTable(table.headers, table.rows));
    for (const note of table.notes ?? []) console.log(`  · ${note}`);
  }
  if (result.targets.length) {
    console.log("\nTargets");
    for (const t of result.targets) {
      console.log(`  ${t.met ? "✓" : "✗"} ${t.target}: ${t.measured}${t.note ? ` (${t.note})` : ""}`);
    }
  }
  console.log(`\n  (${(result.durationMs / 1000).toFixed(1)} s)`);
}
