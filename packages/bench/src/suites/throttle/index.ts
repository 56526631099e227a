/**
 * Suite 2, throttle fidelity at 100 calls per second: every limiter runs every scenario against the
 * bench server; start times are taken where each limiter hands the call to fetch, arrival times at
 * the server. brokerkit runs each scenario alone, then the peers run it side by side (they are idle
 * most of the time), each with its own tag at the server.
 */
import type { FetchLike } from "@brokerkit/middleware";
import { progress, progressDone } from "../../lib/progress.js";
import { round, windowCounts } from "../../lib/stats.js";
import type { Suite, TargetCheck } from "../../lib/suite.js";
import { TAG_HEADER } from "../../server/protocol.js";
import { type BenchServer, startBenchServer } from "../../server/start.js";
import { BROKERKIT_DEFAULT_MARGIN_MS, INTERVAL_MS, LIMIT, LIMITERS, type Limiter } from "./limiters.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";
import { idealStarts } from "./schedule.js";

interface Run {
  limiter: string;
  scenario: string;
  calls: number;
  totalMs: number;
  lastStartMs: number;
  idealLastStartMs: number;
  /** (last start − ideal last start) / ideal, in %: negative when the limiter ran ahead of the exact schedule. */
  deviationPct: number;
  ratePerS: number;
  clientMax: number;
  clientOver: number;
  serverMax: number;
  serverOver: number;
}

async function runOne(server: BenchServer, limiter: Limiter, scenario: Scenario): Promise<Run> {
  const tag = `${limiter.name}/${scenario.name}`;
  const url = `${server.url}/throttle/${encodeURIComponent(tag)}`;
  const starts: number[] = [];
  const submitted: number[] = [];
  let lastDone = 0;
  const send: FetchLike = (request) => {
    starts.push(performance.now());
    return fetch(request);
  };
  const scheduled = limiter.create(send);
  const submit = async () => {
    submitted.push(performance.now());
    const response = await scheduled(url, { headers: { [TAG_HEADER]: tag } });
    await response.arrayBuffer();
    lastDone = performance.now();
  };
  await scenario.run(submit);
  const arrivals = await server.arrivals(tag);
  const first = submitted[0] as number;
  const ideal = idealStarts(submitted, LIMIT, INTERVAL_MS);
  const lastStartMs = Math.max(...starts) - first;
  const idealLastStartMs = (ideal.at(-1) as number) - first;
  const client = windowCounts(starts, INTERVAL_MS, LIMIT);
  const atServer = windowCounts(arrivals, INTERVAL_MS, LIMIT);
  return {
    limiter: limiter.name,
    scenario: scenario.name,
    calls: starts.length,
    totalMs: lastDone - first,
    lastStartMs,
    idealLastStartMs,
    deviationPct: ((lastStartMs - idealLastStartMs) / idealLastStartMs) * 100,
    ratePerS: (starts.length / (lastDone - first)) * 1000,
    clientMax: client.maxInWindow,
    clientOver: client.windowsOverLimit,
    serverMax: atServer.maxInWindow,
    serverOver: atServer.windowsOverLimit,
  };
}

export const throttleSuite: Suite = {
  name: "throttle",
  title: "2. Throttle fidelity (100 calls per 1,000 ms)",
  async run() {
    const server = await startBenchServer();
    const runs: Run[] = [];
    try {
      // brokerkit runs alone, so that the peers' bursts do not lengthen its response times (it holds
      // each slot until one interval after the response); the peers then run side by side.
      const [mine, ...peers] = LIMITERS as [Limiter, ...Limiter[]];
      for (const scenario of SCENARIOS) {
        progress(`${scenario.name}: ${scenario.description}: ${mine.name}`);
        runs.push(await runOne(server, mine, scenario));
        progress(`${scenario.name}: ${scenario.description}: ${peers.length} peers side by side`);
        runs.push(...(await Promise.all(peers.map((limiter) => runOne(server, limiter, scenario)))));
      }
    } finally {
      progressDone();
      await server.close();
    }
    return report(runs);
  },
};

function report(runs: Run[]) {
  const targets: TargetCheck[] = [];
  const mine = runs.filter((r) => r.limiter === "brokerkit createThrottle");
  const over = mine.reduce((sum, r) => sum + r.clientOver + r.serverOver, 0);
  targets.push({
    target: "brokerkit: no 1 s window over 100 calls, at the client or at the server, in any scenario",
    measured: `${over} windows over the limit (most in a window: client ${Math.max(...mine.map((r) => r.clientMax))}, server ${Math.max(...mine.map((r) => r.serverMax))})`,
    met: over === 0,
  });
  const worst = Math.max(...mine.map((r) => Math.abs(r.deviationPct)));
  targets.push({
    target: "brokerkit: every scenario's last call starts within 3% of the exact sliding-window schedule",
    measured: mine
      .map((r) => `${r.scenario} ${r.deviationPct >= 0 ? "+" : ""}${r.deviationPct.toFixed(2)}%`)
      .join(", "),
    met: worst <= 3,
  });
  return {
    method: [
      `Throttle: limit ${LIMIT} per ${INTERVAL_MS} ms, one run per limiter and scenario (brokerkit alone, then the peers side by side, each with its own tag); start = when the limiter hands the call to fetch; arrival = the server's clock. brokerkit's default safety margin for a 1 s interval: ${BROKERKIT_DEFAULT_MARGIN_MS} ms (marginMs), plus each call's response time (a slot is held until one interval after its response, maxTransitMs = interval).`,
    ],
    tables: SCENARIOS.map((scenario) => ({
      title: `${scenario.name}: ${scenario.description} (exact schedule: last start at ${Math.round(
        runs.find((r) => r.scenario === scenario.name)?.idealLastStartMs ?? 0,
      )} ms)`,
      headers: [
        "limiter",
        "total ms",
        "calls/s",
        "last start vs exact",
        "most in 1 s (client)",
        "windows over (client)",
        "most in 1 s (server)",
        "windows over (server)",
      ],
      rows: runs
        .filter((r) => r.scenario === scenario.name)
        .map((r) => [
          r.limiter,
          Math.round(r.totalMs),
          round(r.ratePerS, 1),
          `${r.deviationPct >= 0 ? "+" : ""}${r.deviationPct.toFixed(2)}%`,
          r.clientMax,
          r.clientOver,
          r.serverMax,
          r.serverOver,
        ]),
    })),
    targets,
    data: runs.map((r) => ({
      ...r,
      totalMs: round(r.totalMs, 1),
      lastStartMs: round(r.lastStartMs, 1),
      idealLastStartMs: round(r.idealLastStartMs, 1),
      deviationPct: round(r.deviationPct, 3),
      ratePerS: round(r.ratePerS, 2),
    })),
  };
}
