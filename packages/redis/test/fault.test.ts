/**
 * Redis restarted mid-run (stopped, data gone, started again on the same port) under a steady load
 * that exceeds the limit. Fail closed: calls that need Redis while it is away reject with
 * RedisStoreError naming Redis and the operation, no call hangs, the server never sees more than the
 * limit in any window (also across the restart, thanks to the cold-start hold), and calls succeed
 * again once Redis is back. With the opt-in local fallback, calls go on during the outage within
 * each process's share, and the limit still holds at the server.
 */
import { randomBytes } from "node:crypto";
import { type ApiConfig, createBrokerClient } from "@brokerkit/middleware";
import { afterAll, describe, expect, it } from "vitest";
import { startAlorSimulator } from "../../testing/src/alor/simulator.js";
import { maxInWindow } from "../../testing/src/server.js";
import { RedisStoreError, redisStore, type ThrottleMode } from "../src/index.js";
import { redisServerOrSkip } from "./support/redis-server.js";

const { server: redis, reason } = await redisServerOrSkip();
afterAll(() => redis?.close());

const LIMIT = 30;
const INTERVAL_MS = 1000;

function alorLike(apiUrl: string): ApiConfig {
  return {
    broker: "alor",
    api: "warp",
    environments: { sim: { servers: { api: apiUrl, oauth: apiUrl } } },
    server: "api",
    auth: [
      {
        name: "refresh",
        kind: "refresh-exchange",
        tokenUrl: "{oauth}/refresh",
        tokenIn: "query",
        accessTokenField: "AccessToken",
        defaultLifetimeMs: 30 * 60_000,
        skewMs: 60_000,
        minIntervalMs: 1_000,
      },
    ],
    rateLimits: [{ name: "user", limit: LIMIT, intervalMs: INTERVAL_MS }],
    routes: [],
    retry: { attempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 },
    timeoutMs: 10_000,
    operations: [["GET", "/md/v2/time"]],
  };
}

interface Outcome {
  startedAt: number;
  endedAt: number;
  result: "ok" | "hung" | Error;
}

describe.skipIf(!redis)(`Redis restarted mid-run${reason ? ` (${reason})` : ""}`, () => {
  it("fails closed with RedisStoreError while Redis is away, never exceeds the limit, recovers, never hangs", async () => {
    const server = redis as NonNullable<typeof redis>;
    const sim = await startAlorSimulator({ rateLimit: LIMIT, rateWindowMs: INTERVAL_MS });
    const store = redisStore({
      url: server.url,
      encryptionKey: randomBytes(32),
      keyPrefix: `fault-${randomBytes(4).toString("hex")}:`,
      commandTimeoutMs: 500,
      maxReconnectDelayMs: 200,
    });
    const client = createBrokerClient(alorLike(sim.url), {
      environment: "sim",
      credentials: { refreshToken: sim.refreshToken },
      store,
      retry: false,
    });
    const HANG_MS = 15_000;
    const outcomes: Promise<Outcome>[] = [];
    const call = async (): Promise<Outcome> => {
      const startedAt = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<"hung">((resolve) => {
        timer = setTimeout(() => resolve("hung"), HANG_MS);
      });
      const result = await Promise.race([
        client.runtime.fetch(new Request(`${sim.url}/md/v2/time`)).then(
          (response) => (response.status === 200 ? ("ok" as const) : new Error(`status ${response.status}`)),
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
        hung,
      ]);
      clearTimeout(timer);
      return { startedAt, endedAt: performance.now(), result };
    };
    try {
      // 50 calls/s offered against 30/s allowed: the throttle binds throughout. Bounded: 9 s of calls.
      const offered = (async () => {
        for (let i = 0; i < 450; i++) {
          outcomes.push(call());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const stoppedAt = performance.now();
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await server.start();
      const restartedAt = performance.now();
      await offered;
      const results = await Promise.all(outcomes);

      const hung = results.filter((o) => o.result === "hung");
      const failures = results.filter((o): o is Outcome & { result: Error } => o.result instanceof Error);
      const successes = results.filter((o) => o.result === "ok");
      const recoveredAt = Math.min(...successes.filter((o) => o.endedAt > restartedAt).map((o) => o.endedAt));
      const apiArrivals = sim.arrivals.filter((a) => a.path === "/md/v2/time").map((a) => a.at);
      const maxPerWindow = maxInWindow(apiArrivals, INTERVAL_MS);
      const longestFailureMs = Math.max(...failures.map((o) => o.endedAt - o.startedAt));
      const operations = [...new Set(failures.map((o) => (o.result as RedisStoreError).operation))];
      console.log(
        `fault: ${results.length} calls; ${successes.length} ok, ${failures.length} failed with RedisStoreError ` +
          `(${operations.join(", ")}), ${hung.length} hung; Redis away ${(restartedAt - stoppedAt).toFixed(0)} ms; ` +
          `first success ${(recoveredAt - restartedAt).toFixed(0)} ms after Redis was back; longest failing call ` +
          `${longestFailureMs.toFixed(0)} ms; max in any 1 s window at the server: ${maxPerWindow} (limit ${LIMIT}); ` +
          `token exchanges: ${sim.counters.tokenExchanges}`,
      );
      expect(hung).toHaveLength(0);
      expect(failures.length).toBeGreaterThan(0);
      for (const { result } of failures) {
        expect(result).toBeInstanceOf(RedisStoreError);
        expect(result.message).toContain(`Redis at 127.0.0.1:${server.port}`);
      }
      // Every failure happened while Redis was away or reconnecting, never long after it was back.
      for (const failure of failures) expect(failure.endedAt).toBeGreaterThan(stoppedAt);
      expect(Number.isFinite(recoveredAt)).toBe(true);
      expect(maxPerWindow).toBeLessThanOrEqual(LIMIT);
      expect(sim.counters.rateLimited).toBe(0);
      // Recovered for good: every call started 2 s after Redis was back succeeded (some waited out the hold).
      const after = results.filter((o) => o.startedAt > restartedAt + 2_000);
      expect(after.length).toBeGreaterThan(0);
      for (const o of after) expect(o.result).toBe("ok");
    } finally {
      await store.close();
      await sim.close();
    }
  });

  it("with fallback: { processes: 2 }, two clients keep calling through the outage within their shares", async () => {
    const server = redis as NonNullable<typeof redis>;
    const sim = await startAlorSimulator({ rateLimit: LIMIT, rateWindowMs: INTERVAL_MS });
    const keyPrefix = `fallback-${randomBytes(4).toString("hex")}:`;
    const modes: ThrottleMode[][] = [[], []];
    const stores = [0, 1].map((i) =>
      redisStore({
        url: server.url,
        keyPrefix,
        shareTokens: false,
        commandTimeoutMs: 500,
        maxReconnectDelayMs: 200,
        fallback: { processes: 2 },
        onModeChange: (mode) => modes[i]?.push(mode),
      }),
    );
    const clients = stores.map((store) =>
      createBrokerClient(alorLike(sim.url), {
        environment: "sim",
        credentials: { refreshToken: sim.refreshToken },
        store,
        retry: false,
      }),
    );
    const HANG_MS = 20_000;
    const outcomes: Promise<Outcome>[] = [];
    const call = async (client: (typeof clients)[number]): Promise<Outcome> => {
      const startedAt = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<"hung">((resolve) => {
        timer = setTimeout(() => resolve("hung"), HANG_MS);
      });
      const result = await Promise.race([
        client.runtime.fetch(new Request(`${sim.url}/md/v2/time`)).then(
          (response) => (response.status === 200 ? ("ok" as const) : new Error(`status ${response.status}`)),
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
        hung,
      ]);
      clearTimeout(timer);
      return { startedAt, endedAt: performance.now(), result };
    };
    try {
      // Each client offers 20 calls/s (40/s in all against 30/s allowed) for 8 s; Redis is away for 4 s of it.
      const offered = (async () => {
        for (let i = 0; i < 160; i++) {
          for (const client of clients) outcomes.push(call(client));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const stoppedAt = performance.now();
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await server.start();
      const restartedAt = performance.now();
      await offered;
      const results = await Promise.all(outcomes);

      const failures = results.filter((o) => o.result !== "ok");
      const apiArrivals = sim.arrivals.filter((a) => a.path === "/md/v2/time").map((a) => a.at);
      const duringOutage = apiArrivals.filter((at) => at > stoppedAt && at < restartedAt).length;
      const maxPerWindow = maxInWindow(apiArrivals, INTERVAL_MS);
      console.log(
        `fallback: ${results.length} calls from 2 clients, ${failures.length} failed; ${duringOutage} reached the server ` +
          `while Redis was away (${(restartedAt - stoppedAt).toFixed(0)} ms); max in any 1 s window: ${maxPerWindow} ` +
          `(limit ${LIMIT}, ${LIMIT / 2} per process in fallback); modes: ${modes.map((m) => m.join("→")).join(", ")}`,
      );
      expect(failures.map((o) => String(o.result))).toEqual([]);
      expect(duringOutage).toBeGreaterThan(0);
      expect(maxPerWindow).toBeLessThanOrEqual(LIMIT);
      expect(sim.counters.rateLimited).toBe(0);
      for (const changes of modes) expect(changes).toEqual(["local", "redis"]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await sim.close();
    }
  });
});
