/**
 * Several real processes, one account: each worker (test/workers/client-worker.mjs) is a separate
 * Node process with its own brokerkit client and `store: redisStore(...)`, against one simulator
 * run here. The guarantees are read at the server: arrival timestamps and token exchanges.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { credentialIdentity } from "@brokerkit/middleware";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startAlorSimulator } from "../../testing/src/alor/simulator.js";
import { signJwt } from "../../testing/src/jwt.js";
import { maxInWindow, sendJson, startServer } from "../../testing/src/server.js";
import { redisStore } from "../src/index.js";
import { redisServerOrSkip } from "./support/redis-server.js";
import { go, killAll, startWorkers, type Worker, within } from "./support/workers.js";

const { server: redis, reason } = await redisServerOrSkip();
afterAll(() => redis?.close());

const encryptionKey = randomBytes(32).toString("base64");
let workers: Worker[] = [];
afterEach(() => {
  killAll(workers);
  workers = [];
});

/** Puts an expired token in Redis, as if an earlier run had left it: every worker starts stale. */
async function seedExpiredToken(url: string, keyPrefix: string, refreshToken: string): Promise<void> {
  const seed = redisStore({ url, encryptionKey, keyPrefix });
  try {
    await seed.tokens
      ?.forIdentity(credentialIdentity("refresh-exchange", refreshToken))
      .set({ accessToken: "left-over-expired-token", expiresAt: Date.now() - 60_000 });
  } finally {
    await seed.close();
  }
}

describe.skipIf(!redis)(`4 worker processes sharing Redis${reason ? ` (${reason})` : ""}`, () => {
  it("load: 4 × 300 calls under a global 100/s limit: no sliding 1 s window above 100 at the server; 1 token exchange", async () => {
    const url = (redis as NonNullable<typeof redis>).url;
    const sim = await startAlorSimulator({ rateLimit: 100, rateWindowMs: 1000 });
    try {
      const keyPrefix = `load-${randomBytes(4).toString("hex")}:`;
      await seedExpiredToken(url, keyPrefix, sim.refreshToken);
      workers = await startWorkers(4, {
        redisUrl: url,
        apiUrl: sim.url,
        refreshToken: sim.refreshToken,
        encryptionKey,
        keyPrefix,
        calls: 300,
        limit: 100,
        intervalMs: 1000,
      });
      go(workers);
      const reports = await within(Promise.all(workers.map((w) => w.report)), 50_000, "the workers did not finish");

      const apiArrivals = sim.arrivals.filter((a) => a.path === "/md/v2/time").map((a) => a.at);
      const maxPerWindow = maxInWindow(apiArrivals, 1000);
      const spanS = (Math.max(...apiArrivals) - Math.min(...apiArrivals)) / 1000;
      console.log(
        `load: ${apiArrivals.length} calls from 4 processes in ${spanS.toFixed(2)} s; max in any 1 s window at the server: ${maxPerWindow}; ` +
          `token exchanges: ${sim.counters.tokenExchanges}; 429s: ${sim.counters.rateLimited}`,
      );
      for (const report of reports) expect(report).toEqual({ "status 200": 300 });
      expect(apiArrivals).toHaveLength(1200);
      expect(maxPerWindow).toBeLessThanOrEqual(100);
      expect(sim.counters.rateLimited).toBe(0);
      expect(sim.counters.tokenExchanges).toBe(1);
      // The limit binds: 1200 calls at 100 per second cannot take less than 11 s.
      expect(spanS).toBeGreaterThanOrEqual(11);
    } finally {
      await sim.close();
    }
  });

  it("token: the refresher is killed mid-exchange; another process takes the expired lock and all the others get one token", async () => {
    const url = (redis as NonNullable<typeof redis>).url;
    const lockTimeoutMs = 1500;
    const jwtSecret = randomBytes(16).toString("hex");
    const refreshToken = `refresh-${randomBytes(8).toString("hex")}`;
    const held: ServerResponse[] = [];
    let firstExchangeArrived!: () => void;
    const firstExchange = new Promise<void>((resolve) => (firstExchangeArrived = resolve));
    // The first exchange is never answered (its process dies meanwhile); later ones are answered at once.
    const sim = await startServer((req, res) => {
      if (req.path === "/refresh") {
        if (req.url.searchParams.get("token") !== refreshToken) return sendJson(res, 403, { message: "bad token" });
        if (held.length === 0) {
          held.push(res);
          firstExchangeArrived();
          return;
        }
        const exp = Math.floor(Date.now() / 1000) + 1800;
        return sendJson(res, 200, { AccessToken: signJwt({ sub: "user", exp }, jwtSecret) });
      }
      const ok = req.headers.authorization?.startsWith("Bearer ey");
      return sendJson(res, ok ? 200 : 401, ok ? { time: Date.now() } : { message: "no token" });
    });
    try {
      const keyPrefix = `token-${randomBytes(4).toString("hex")}:`;
      await seedExpiredToken(url, keyPrefix, refreshToken);
      workers = await startWorkers(4, {
        redisUrl: url,
        apiUrl: sim.url,
        refreshToken,
        encryptionKey,
        keyPrefix,
        calls: 1,
        lockTimeoutMs,
      });
      go(workers);
      // The lock holder is the one that reports an exchange; kill it once its request is at the server.
      const holder = await within(
        Promise.race(workers.map((w) => w.refreshing.then(() => w))),
        15_000,
        "no worker started a token exchange",
      );
      await within(firstExchange, 10_000, "the first exchange did not reach the server");
      const killedAt = performance.now();
      holder.child.kill("SIGKILL");
      const others = workers.filter((w) => w !== holder);
      const doneAt: number[] = [];
      const reports = await within(
        Promise.all(
          others.map(async (w) => {
            const report = await w.report;
            doneAt.push(performance.now());
            return report;
          }),
        ),
        lockTimeoutMs + 10_000,
        "the other workers did not get a token",
      );
      const takeoverMs = Math.max(...doneAt) - killedAt;
      const exchangeTimes = sim.arrivals.filter((a) => a.path === "/refresh").map((a) => a.at);
      const exchanges = exchangeTimes.length;
      const handoverMs = (exchangeTimes[1] ?? Number.NaN) - killedAt;
      const tokensUsed = new Set(
        sim.arrivals.filter((a) => a.path === "/md/v2/time").map((a) => a.headers.authorization),
      );
      console.log(
        `token: holder killed mid-exchange; the takeover exchange reached the server ${handoverMs.toFixed(0)} ms later, ` +
          `and the 3 others had their token ${takeoverMs.toFixed(0)} ms after the kill ` +
          `(lock timeout ${lockTimeoutMs} ms); exchanges at the server: ${exchanges} (1 killed + 1 takeover)`,
      );
      for (const report of reports) expect(report).toEqual({ "status 200": 1 });
      expect(exchanges).toBe(2);
      expect(tokensUsed.size).toBe(1);
      // Within the lock timeout, plus one poll interval (≤ 250 ms) and headroom for a loaded machine.
      expect(takeoverMs).toBeLessThan(lockTimeoutMs + 250 + 2_000);
    } finally {
      for (const res of held) res.destroy();
      await sim.close();
    }
  });
});
