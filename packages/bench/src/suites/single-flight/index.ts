/**
 * Suite 3, single flight and stickiness under load:
 * - 1,000 concurrent calls just after the access token went stale: how many token requests reach the
 *   server (ALOR refresh-exchange and Saxo OAuth2 refresh_token);
 * - 200 concurrent first calls over 4 Saxo services: how many isalive probes;
 * - 100,000 calls through the full stacks (Saxo and ALOR): heap growth after GC, and the sizes of
 *   the throttle (buckets, waiters), the cookie jar and the response cache afterwards.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AlorPaths } from "@brokerkit/alor";
import { createBrokerClient } from "@brokerkit/middleware";
import type { SaxoPaths } from "@brokerkit/saxo";
import { alorBenchConfig, alorServers, cachedSaxoCredentials, saxoBenchConfig, saxoServers } from "../../configs.js";
import { runCount } from "../../lib/load.js";
import { collectGarbage, quick } from "../../lib/options.js";
import { progress, progressDone } from "../../lib/progress.js";
import { round } from "../../lib/stats.js";
import type { Suite, TargetCheck } from "../../lib/suite.js";
import { type BenchServer, startBenchServer } from "../../server/start.js";
import { alorCall, SAXO_SERVICES, saxoCall } from "./calls.js";

const STAMPEDE = 1000;
const FIRST_CALLS = 200;
const LONG_RUN = quick ? 20_000 : 100_000;
const CONCURRENCY = 64;

const saxoClient = (server: BenchServer, credentials: object = cachedSaxoCredentials()) =>
  createBrokerClient<SaxoPaths>(saxoBenchConfig, { environment: "sim", credentials, servers: saxoServers(server.url) });
const alorClient = (server: BenchServer) =>
  createBrokerClient<AlorPaths>(alorBenchConfig, {
    environment: "production",
    credentials: { refreshToken: "bench-refresh-token" },
    servers: alorServers(server.url),
  });

const skewOf = (config: typeof alorBenchConfig) => {
  const scheme = config.auth[0];
  return scheme && "skewMs" in scheme ? scheme.skewMs : 0;
};

async function tokenStampedeAlor(server: BenchServer): Promise<number> {
  // Tokens that go stale about a second after they are issued: a token is refreshed `skewMs` before it
  // expires, or half its lifetime before when that is shorter, so a 2 s token goes stale after 1 s.
  await server.setTokenTtl(Math.min(2, Math.ceil(skewOf(alorBenchConfig) / 1000) + 1));
  const client = alorClient(server);
  await alorCall(client, 0);
  await sleep(1100);
  const before = (await server.counters()).tokenRequests;
  await Promise.all(Array.from({ length: STAMPEDE }, (_, i) => alorCall(client, 2 * i)));
  const requests = (await server.counters()).tokenRequests - before;
  await server.setTokenTtl(3600);
  return requests;
}

async function tokenStampedeSaxo(server: BenchServer): Promise<number> {
  const staleAt = Date.now() + 600;
  const client = saxoClient(server, {
    ...cachedSaxoCredentials(),
    accessTokenExpiresAt: staleAt + skewOf(saxoBenchConfig),
  });
  // Probe the four services while the token is still good, so that only the token is at stake.
  for (let i = 0; i < SAXO_SERVICES.length; i++) await saxoCall(client, i);
  await sleep(Math.max(0, staleAt - Date.now() + 20));
  const before = (await server.counters()).tokenRequests;
  await Promise.all(Array.from({ length: STAMPEDE }, (_, i) => saxoCall(client, i)));
  return (await server.counters()).tokenRequests - before;
}

async function firstCalls(server: BenchServer) {
  await server.reset();
  const client = saxoClient(server);
  await Promise.all(Array.from({ length: FIRST_CALLS }, (_, i) => saxoCall(client, i)));
  const counters = await server.counters();
  return { probes: counters.probes, unsticky: counters.unstickyCalls };
}

/** Heap in use after GC; a few rounds, because Request finalizers only run after a GC and free more. */
async function heapMb(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    collectGarbage();
    await sleep(10);
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function longRun(server: BenchServer) {
  const saxo = saxoClient(server);
  const alor = alorClient(server);
  const call = (i: number) => (i % 5 === 4 ? alorCall(alor, Math.floor(i / 5)) : saxoCall(saxo, i));
  let next = 0;
  const nextCall = () => call(next++);
  // Let every throttle slot leave its window, so that both snapshots see the same idle state.
  const quiesce = async () => {
    await sleep(1100);
    await runCount(nextCall, 1, 10);
  };
  await runCount(nextCall, CONCURRENCY, 5000);
  await quiesce();
  const before = await heapMb();
  const started = performance.now();
  await runCount(nextCall, CONCURRENCY, LONG_RUN);
  const seconds = (performance.now() - started) / 1000;
  await quiesce();
  const after = await heapMb();
  const cookieNames = new Set<string>();
  for (const service of SAXO_SERVICES) {
    const header = await saxo.runtime.cookieHeaderFor(`${saxo.runtime.baseUrl}/${service}/v1/x`);
    for (const pair of header.split("; ")) if (pair) cookieNames.add(pair.split("=")[0] as string);
  }
  return {
    calls: LONG_RUN,
    callsPerSecond: LONG_RUN / seconds,
    heapBeforeMb: before,
    heapAfterMb: after,
    growthMb: after - before,
    saxoThrottle: saxo.runtime.throttle?.stats(),
    alorThrottle: alor.runtime.throttle?.stats(),
    jarCookies: cookieNames.size,
    cacheEntries: alor.runtime.cache?.stats().entries,
  };
}

export const singleFlightSuite: Suite = {
  name: "single-flight",
  title: "3. Single flight and stickiness under load",
  async run() {
    const server = await startBenchServer();
    try {
      progress(`ALOR: ${STAMPEDE} concurrent calls with a stale token`);
      const alorTokens = await tokenStampedeAlor(server);
      progress(`Saxo: ${STAMPEDE} concurrent calls with a stale token`);
      const saxoTokens = await tokenStampedeSaxo(server);
      progress(`Saxo: ${FIRST_CALLS} concurrent first calls over ${SAXO_SERVICES.length} services`);
      const first = await firstCalls(server);
      progress(`${LONG_RUN.toLocaleString("en")} calls through the Saxo and ALOR stacks (4:1), c=${CONCURRENCY}`);
      const long = await longRun(server);
      progressDone();
      return report(alorTokens, saxoTokens, first, long);
    } finally {
      progressDone();
      await server.close();
    }
  },
};

function report(
  alorTokens: number,
  saxoTokens: number,
  first: Awaited<ReturnType<typeof firstCalls>>,
  long: Awaited<ReturnType<typeof longRun>>,
) {
  const probes = Object.values(first.probes).reduce((a, b) => a + b, 0);
  const perService = Object.entries(first.probes)
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  const targets: TargetCheck[] = [
    {
      target: `${STAMPEDE} concurrent calls at token expiry → 1 token request (ALOR refresh-exchange, Saxo OAuth2)`,
      measured: `ALOR ${alorTokens}, Saxo ${saxoTokens}`,
      met: alorTokens === 1 && saxoTokens === 1,
    },
    {
      target: `${FIRST_CALLS} concurrent first calls over ${SAXO_SERVICES.length} services → ${SAXO_SERVICES.length} probes`,
      measured: `${probes} (${perService}); calls without their affinity cookie: ${first.unsticky}`,
      met: probes === SAXO_SERVICES.length && first.unsticky === 0,
    },
    {
      target: `${LONG_RUN.toLocaleString("en")} calls → heap growth after GC < 5 MB, nothing left queued, bounded jar and cache`,
      measured: `${round(long.growthMb, 2)} MB; throttle waiting ${long.saxoThrottle?.waiting ?? 0}+${long.alorThrottle?.waiting ?? 0}, buckets ${long.saxoThrottle?.buckets ?? 0}+${long.alorThrottle?.buckets ?? 0}; jar ${long.jarCookies} cookies; cache ${long.cacheEntries} entries`,
      met:
        long.growthMb < 5 &&
        (long.saxoThrottle?.waiting ?? 0) === 0 &&
        (long.alorThrottle?.waiting ?? 0) === 0 &&
        long.jarCookies <= SAXO_SERVICES.length + 1 &&
        (long.cacheEntries ?? 0) <= 1000,
    },
  ];
  return {
    method: [
      `Single flight: ${STAMPEDE} concurrent calls once the token is inside its refresh skew; probes: ${FIRST_CALLS} concurrent first calls, round robin over ${SAXO_SERVICES.length} services; long run: ${LONG_RUN.toLocaleString("en")} calls at c=${CONCURRENCY} (4 Saxo : 1 ALOR, ALOR half on a cached route with 2,000 distinct URLs), heap after two forced GCs (node --expose-gc), both snapshots taken after the throttle windows emptied.`,
    ],
    tables: [
      {
        title: "Single flight, probes and memory",
        headers: ["measure", "result"],
        rows: [
          ["token requests, ALOR (1,000 calls, stale token)", alorTokens],
          ["token requests, Saxo (1,000 calls, stale token)", saxoTokens],
          [`isalive probes (${FIRST_CALLS} first calls, 4 services)`, `${probes} (${perService})`],
          ["calls that reached the server without their affinity cookie", first.unsticky],
          [
            `heap before → after ${LONG_RUN.toLocaleString("en")} calls (MB, after GC)`,
            `${round(long.heapBeforeMb, 1)} → ${round(long.heapAfterMb, 1)}`,
          ],
          ["heap growth (MB)", round(long.growthMb, 2)],
          ["calls per second during the long run", Math.round(long.callsPerSecond)],
          [
            "throttle afterwards (Saxo): buckets / waiting",
            `${long.saxoThrottle?.buckets} / ${long.saxoThrottle?.waiting}`,
          ],
          [
            "throttle afterwards (ALOR): buckets / waiting",
            `${long.alorThrottle?.buckets} / ${long.alorThrottle?.waiting}`,
          ],
          ["cookies in the Saxo jar", long.jarCookies],
          ["ALOR response cache entries (2,000 distinct URLs, max 1,000)", long.cacheEntries ?? "off"],
        ],
      },
    ],
    targets,
    data: { alorTokens, saxoTokens, first, long },
  };
}
