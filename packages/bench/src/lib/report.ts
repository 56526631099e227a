/** Writes a run's results: latest.json (everything) and latest.md (the summary the README links to). */
import { writeFileSync } from "node:fs";
import type { MachineInfo } from "./machine.js";
import type { SuiteResult } from "./suite.js";
import { markdownTable } from "./table.js";

export interface RunResult {
  startedAt: string;
  totalMs: number;
  machine: MachineInfo;
  quick: boolean;
  suites: SuiteResult[];
  failed: { suite: string; reason: string }[];
}

export function writeResults(run: RunResult, jsonFile: URL, markdownFile: URL): void {
  writeFileSync(jsonFile, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(markdownFile, markdown(run));
}

function markdown(run: RunResult): string {
  const { machine } = run;
  const lines: string[] = [
    "# brokerkit benchmarks: latest run",
    "",
    `Run ${run.startedAt} with \`pnpm bench\`${run.quick ? " (BENCH_QUICK=1: fewer rounds, not for quoting)" : ""}, ${(run.totalMs / 1000).toFixed(0)} s in all. Raw figures: [latest.json](latest.json).`,
    "",
    "## Methodology",
    "",
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}; Node ${machine.node}. Load average when the run started: ${machine.loadAverage} (other work shared the machine when it is near or above the core count, so absolute figures are noisy; the ratios are taken within one run, round by round).`,
    "- Every comparison is against a baseline measured in the same run: raw global `fetch` for request overhead, the exact sliding-window schedule for the throttle.",
    ...run.suites.flatMap((suite) => suite.method.map((m) => `- ${m}`)),
    "",
    "## Targets",
    "",
    markdownTable(
      ["", "target", "measured"],
      run.suites.flatMap((suite) =>
        suite.targets.map((t) => [
          t.met ? "✓" : "✗ missed",
          t.target,
          t.note ? `${t.measured}. ${t.note}` : t.measured,
        ]),
      ),
    ),
    "",
  ];
  for (const failure of run.failed) lines.push(`**${failure.suite} did not complete:** ${failure.reason}`, "");
  for (const suite of run.suites) {
    lines.push(`## ${suite.title}`, "");
    for (const table of suite.tables) {
      lines.push(`### ${table.title}`, "", markdownTable(table.headers, table.rows), "");
      for (const note of table.notes ?? []) lines.push(`- ${note}`);
      if (table.notes?.length) lines.push("");
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
