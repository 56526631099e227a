/**
 * `pnpm bench [suite…]`: runs the suites one after another, each in its own Node process (with
 * --expose-gc, so no suite inherits another's heap or JIT state), prints their tables as they finish,
 * and writes results/latest.json and results/latest.md when every suite ran.
 * BENCH_QUICK=1 runs fewer rounds (for trying the harness, not for quoting).
 */
import { fork } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./lib/machine.js";
import { quick } from "./lib/options.js";
import { type RunResult, writeResults } from "./lib/report.js";
import type { SuiteResult } from "./lib/suite.js";
import { terminalTable } from "./lib/table.js";
import { SUITES } from "./suites/index.js";

const RESULTS = new URL("../results/", import.meta.url);
const RAW = new URL("raw/", RESULTS);

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !SUITES.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; suites: ${SUITES.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const chosen = asked.length ? SUITES.filter((s) => asked.includes(s.name)) : SUITES;

function runSuite(name: string): Promise<SuiteResult> {
  const output = new URL(`${name}.json`, RAW);
  rmSync(output, { force: true });
  const child = fork(fileURLToPath(new URL("./run-suite.js", import.meta.url)), [name, fileURLToPath(output)], {
    execArgv: ["--expose-gc"],
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code !== 0) return reject(new Error(`exited with ${signal ?? `code ${code}`}`));
      try {
        resolve(JSON.parse(readFileSync(output, "utf8")) as SuiteResult);
      } catch (error) {
        reject(error);
      }
    });
  });
}

mkdirSync(RAW, { recursive: true });
const machine = machineInfo();
console.log(
  `brokerkit bench: ${chosen.map((s) => s.name).join(", ")}${quick ? " (quick)" : ""}\n` +
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage}`,
);
const started = performance.now();
const run: RunResult = {
  startedAt: new Date().toISOString(),
  totalMs: 0,
  machine,
  quick,
  suites: [],
  failed: [],
};
for (const suite of chosen) {
  try {
    run.suites.push(await runSuite(suite.name));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`\n✗ ${suite.title} did not complete: ${reason}`);
    run.failed.push({ suite: suite.name, reason });
  }
}
run.totalMs = Math.round(performance.now() - started);

console.log("\n\x1b[1mTargets\x1b[0m\n");
console.log(
  terminalTable(
    ["", "target", "measured"],
    run.suites.flatMap((s) => s.targets.map((t) => [t.met ? "✓" : "✗", t.target, t.measured])),
  ),
);
const complete = chosen.length === SUITES.length;
if (complete) {
  writeResults(run, new URL("latest.json", RESULTS), new URL("latest.md", RESULTS));
  console.log(`\nWrote packages/bench/results/latest.json and latest.md (${(run.totalMs / 1000).toFixed(0)} s).`);
} else {
  writeResults(run, new URL("partial.json", RAW), new URL("partial.md", RAW));
  console.log(`\nPartial run: wrote packages/bench/results/raw/partial.json and partial.md (latest.* untouched).`);
}
process.exit(run.failed.length ? 1 : 0);
