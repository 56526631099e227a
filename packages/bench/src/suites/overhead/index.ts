/**
 * Suite 1, request overhead: requests per second and client CPU per request at concurrency 1 and 64,
 * against a node:http server in another process. Rounds are interleaved (every client once per round,
 * in a rotated order) so that load from elsewhere on the machine hits every client alike, and every
 * ratio is taken within a round before the median is taken.
 */

import { defaultFetch } from "@brokerkit/middleware";
import { fetch as undiciFetch } from "undici";
import { type LoadResult, runCount, runLoad } from "../../lib/load.js";
import { collectGarbage, quick } from "../../lib/options.js";
import { progress, progressDone } from "../../lib/progress.js";
import { median, round } from "../../lib/stats.js";
import type { ResultTable, Suite, TargetCheck } from "../../lib/suite.js";
import { startBenchServer } from "../../server/start.js";
import { checkSemantics, type FetchLike, type SemanticsCheck } from "../../transport/semantics.js";
import { type Call, OVERHEAD_CLIENTS } from "./clients.js";

const CONCURRENCIES = [1, 64] as const;
// Nine rounds: with five, one machine hiccup in two rounds moved a paired ratio by ±0.15 from run to run.
const ROUNDS = quick ? 2 : 9;
const ROUND_MS = quick ? 150 : 350;
const WARMUP_CALLS = quick ? 200 : 600;
const BASELINE = "raw fetch (baseline)";
const OPENAPI_FETCH = "openapi-fetch";
/** Bare openapi-fetch over the transport brokerkit clients use by default on Node, making each stack's own call. */
const SAME_TRANSPORT: Record<string, string> = {
  "brokerkit ALOR (full stack)": "openapi-fetch + undici transport (ALOR call)",
  "brokerkit Saxo (full stack)": "openapi-fetch + undici transport",
};

interface ClientFigures {
  name: string;
  error?: string;
  byConcurrency: Record<
    number,
    { rounds: LoadResult[]; rps: number; cpuUs: number; vsFetch: number; vsOpenapiFetch: number }
  >;
}

export const overheadSuite: Suite = {
  name: "overhead",
  title: "1. Request overhead",
  async run() {
    const server = await startBenchServer();
    try {
      const started: { name: string; call?: Call; error?: string }[] = [];
      progress(`starting ${OVERHEAD_CLIENTS.length} clients`);
      for (const client of OVERHEAD_CLIENTS) {
        try {
          started.push({ name: client.name, call: await client.start(server) });
        } catch (error) {
          started.push({ name: client.name, error: error instanceof Error ? error.message : String(error) });
        }
      }
      progress("checking transport semantics against global fetch");
      const semantics = {
        "undici transport": await checkSemantics(server.url, defaultFetch() as unknown as FetchLike),
        "undici.fetch": await checkSemantics(server.url, undiciFetch as unknown as FetchLike),
      };
      const runnable = started.filter((c): c is { name: string; call: Call } => c.call !== undefined);
      const rounds = new Map<string, Record<number, LoadResult[]>>();
      for (const c of runnable) rounds.set(c.name, { 1: [], 64: [] });

      for (const concurrency of CONCURRENCIES) {
        progress(`c=${concurrency}: warming up ${runnable.length} clients`);
        for (const c of runnable) await runCount(c.call, concurrency, WARMUP_CALLS);
        for (let r = 0; r < ROUNDS; r++) {
          progress(`c=${concurrency}: round ${r + 1} of ${ROUNDS}, ${runnable.length} clients`);
          for (let i = 0; i < runnable.length; i++) {
            const c = runnable[(i + r) % runnable.length] as { name: string; call: Call };
            collectGarbage();
            const result = await runLoad(c.call, concurrency, ROUND_MS);
            rounds.get(c.name)?.[concurrency]?.push(result);
          }
        }
      }
      progressDone();

      const figures: ClientFigures[] = started.map((c) => {
        if (c.error !== undefined) return { name: c.name, error: c.error, byConcurrency: {} };
        const byConcurrency: ClientFigures["byConcurrency"] = {};
        for (const concurrency of CONCURRENCIES) {
          const mine = rounds.get(c.name)?.[concurrency] ?? [];
          const base = rounds.get(BASELINE)?.[concurrency] ?? [];
          const ofetch = rounds.get(OPENAPI_FETCH)?.[concurrency] ?? [];
          byConcurrency[concurrency] = {
            rounds: mine,
            rps: median(mine.map((m) => m.rps)),
            cpuUs: median(mine.map((m) => m.cpuUsPerRequest)),
            vsFetch: median(mine.map((m, i) => m.rps / (base[i]?.rps ?? Number.NaN))),
            vsOpenapiFetch: median(mine.map((m, i) => m.rps / (ofetch[i]?.rps ?? Number.NaN))),
          };
        }
        return { name: c.name, byConcurrency };
      });
      return report(figures, semantics);
    } finally {
      await server.close();
    }
  },
};

/** Median over the rounds of `name`'s req/s over the fastest of `others` in the same round. */
function ratioToBest(
  figures: ClientFigures[],
  name: string,
  others: string[],
  concurrency: number,
): number | undefined {
  const mine = figures.find((f) => f.name === name)?.byConcurrency[concurrency]?.rounds;
  if (!mine) return undefined;
  const theirs = others.map((other) => figures.find((f) => f.name === other)?.byConcurrency[concurrency]?.rounds ?? []);
  return median(mine.map((m, i) => m.rps / Math.max(...theirs.map((rounds) => rounds[i]?.rps ?? Number.NaN))));
}

function report(figures: ClientFigures[], semantics: Record<string, SemanticsCheck[]>) {
  const rows = figures.map((f) => {
    if (f.error !== undefined) return [f.name, `unavailable: ${f.error}`, "", "", "", "", "", ""];
    const one = f.byConcurrency[1];
    const many = f.byConcurrency[64];
    return [
      f.name,
      Math.round(one?.rps ?? 0),
      round(one?.vsFetch ?? Number.NaN),
      round(one?.cpuUs ?? Number.NaN, 1),
      Math.round(many?.rps ?? 0),
      round(many?.vsFetch ?? Number.NaN),
      round(many?.cpuUs ?? Number.NaN, 1),
      `${round(one?.vsOpenapiFetch ?? Number.NaN)} / ${round(many?.vsOpenapiFetch ?? Number.NaN)}`,
    ];
  });
  const table: ResultTable = {
    title: "Requests per second and client CPU per request (medians of the rounds)",
    headers: [
      "client",
      "req/s c=1",
      "× fetch c=1",
      "CPU µs/req c=1",
      "req/s c=64",
      "× fetch c=64",
      "CPU µs/req c=64",
      "× openapi-fetch c=1 / c=64",
    ],
    rows,
    notes: [
      "× fetch: requests per second relative to raw global fetch in the same round, median over the rounds.",
      "CPU µs/req: process.cpuUsage() of the client process only (the server runs in another process), per request.",
      'The brokerkit rows run every layer: operation matching, idempotency, routes, per-operation servers, retry, throttle (limits raised to 1,000,000/s), auth (cached token), sticky (cookies established), timeout and redirects, over the default transport (on Node: @brokerkit/middleware\'s undici transport); "over global fetch" passes `fetch: globalThis.fetch`.',
      "@alpacahq/alpaca-trade-api: reached through its fetchApi hook (it has no base-URL option), which rewrites the host and calls global fetch; its rate limiter is raised far above the load like brokerkit's, retries stay on.",
      "alor-api: pointed at the bench server through its endpoint options; it uses axios over node:http, not fetch.",
      'The same-transport target compares each stack with bare openapi-fetch making its own call: the Saxo stack with "openapi-fetch + undici transport" (no path parameter), the ALOR stack with "openapi-fetch + undici transport (ALOR call)" (two path parameters, which openapi-fetch serialises on both sides).',
    ],
  };
  const targets: TargetCheck[] = [];
  const peers = ["@alpacahq/alpaca-trade-api", "alor-api"];
  for (const name of ["brokerkit ALOR (full stack)", "brokerkit Saxo (full stack)"]) {
    const [one, many] = CONCURRENCIES.map((c) => ratioToBest(figures, name, peers, c));
    targets.push({
      target: `${name}, default transport, ≥ 1.3× the best peer (${peers.join(", ")}) at c=1 and c=64`,
      measured: `${round(one ?? Number.NaN)}× / ${round(many ?? Number.NaN)}×`,
      met: (one ?? 0) >= 1.3 && (many ?? 0) >= 1.3,
    });
  }
  for (const name of ["brokerkit ALOR (full stack)", "brokerkit Saxo (full stack)"]) {
    const baseline = SAME_TRANSPORT[name] as string;
    const [one, many] = CONCURRENCIES.map((c) => ratioToBest(figures, name, [baseline], c));
    targets.push({
      target: `${name} ≥ 0.85× bare openapi-fetch making the same call over the same (default) transport at c=1 and c=64`,
      measured: `${round(one ?? Number.NaN)}× / ${round(many ?? Number.NaN)}×`,
      met: (one ?? 0) >= 0.85 && (many ?? 0) >= 0.85,
    });
  }
  for (const [name, checks] of [
    ["openapi-fetch + undici transport", semantics["undici transport"] ?? []],
    ["undici.fetch", semantics["undici.fetch"] ?? []],
  ] as const) {
    const f = figures.find((x) => x.name === name);
    if (!f || f.error !== undefined) continue;
    const one = f.byConcurrency[1]?.vsFetch ?? Number.NaN;
    const many = f.byConcurrency[64]?.vsFetch ?? Number.NaN;
    const same = checks.filter((c) => c.same).length;
    targets.push({
      target: `${name}: fetch semantics kept (every check as global fetch)`,
      measured: `${same}/${checks.length} semantics checks as fetch; ${round(one)}× / ${round(many)}× raw fetch`,
      met: same === checks.length,
    });
  }
  const data = figures.map((f) => ({
    name: f.name,
    error: f.error,
    byConcurrency: Object.fromEntries(
      Object.entries(f.byConcurrency).map(([c, v]) => [
        c,
        {
          rps: round(v.rps, 0),
          cpuUsPerRequest: round(v.cpuUs, 1),
          vsFetch: round(v.vsFetch, 3),
          vsOpenapiFetch: round(v.vsOpenapiFetch, 3),
          roundsRps: v.rounds.map((r) => round(r.rps, 0)),
        },
      ]),
    ),
  }));
  const names = Object.keys(semantics);
  const semanticsTable: ResultTable = {
    title: "Transport semantics: the same outcome as global fetch?",
    headers: ["check", "global fetch", ...names],
    rows: (semantics[names[0] as string] ?? []).map((row, i) => [
      row.check,
      row.fetch,
      ...names.map((n) => {
        const c = semantics[n]?.[i];
        return c ? (c.same ? "same" : `differs: ${c.candidate}`) : "";
      }),
    ]),
    notes: [
      "undici transport: packages/middleware/src/transport/undici-fetch.ts, brokerkit's default transport on Node (undici 7 Dispatcher.request behind a fetch-shaped function; bodies stay Node streams until `body` is read).",
      "undici.fetch rejects Request objects made by Node's global Request class (undici 7 does not accept another undici's Request), which is what openapi-fetch passes by default.",
    ],
  };
  return {
    method: [
      `Request overhead: ${ROUNDS} interleaved rounds of ${ROUND_MS} ms per client and concurrency, after ${WARMUP_CALLS} warm-up calls; GC before each round; medians reported.`,
    ],
    tables: [table, semanticsTable],
    targets,
    data: { clients: data, semantics },
  };
}
