/**
 * The weighted per-IP limits with the Redis store: two clients (standing for two processes on one IP)
 * share the scaled budgets through a real redis-server, and a 418 seen by one pauses the other.
 */
import { redisStore } from "@brokerkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, redisServerOrSkip } from "../../redis/test/support/redis-server.js";
import { burst, SCALED_WINDOWS, scaledClient } from "./scaled.js";
import { maxWeightInWindow, simulator } from "./support.js";

let redis: RedisServer | undefined;
let reason: string | undefined;
beforeAll(async () => {
  ({ server: redis, reason } = await redisServerOrSkip());
});
afterAll(async () => {
  await redis?.close();
});

describe.skipIf(process.env.CI === undefined && redis === undefined && reason !== undefined)(
  "binance spot: weighted per-IP limits shared through Redis",
  () => {
    it("two clients' bursts together never exceed the budget of any 1 s or 3 s window at the server", async () => {
      const sim = await simulator({ weightWindows: SCALED_WINDOWS });
      const stores = [0, 1].map(() =>
        redisStore({
          url: (redis as RedisServer).url,
          keyPrefix: "weights:",
          holdOnColdStart: false,
          shareTokens: false,
        }),
      );
      try {
        const [a, b] = stores.map((store) => scaledClient(sim, { store }));
        const results = (await Promise.all([burst(a!.client), burst(b!.client)])).flat();
        expect(results.every((r) => r.response.status === 200)).toBe(true);
        expect(sim.refusals).toEqual([]);
        expect(maxWeightInWindow(sim.weighed, 1000)).toBeLessThanOrEqual(60);
        expect(maxWeightInWindow(sim.weighed, 3000)).toBeLessThanOrEqual(120);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it("a 418 answered to one client pauses the other's calls of the IP scope", async () => {
      const sim = await simulator({ weightWindows: SCALED_WINDOWS });
      const stores = [0, 1].map(() =>
        redisStore({ url: (redis as RedisServer).url, keyPrefix: "bans:", holdOnColdStart: false, shareTokens: false }),
      );
      try {
        const [a, b] = stores.map((store) => scaledClient(sim, { store }));
        expect((await b!.client.GET("/api/v3/ping")).response.status).toBe(200);
        sim.ban(1500);
        expect((await a!.client.GET("/api/v3/ping")).response.status).toBe(418);
        const bannedAt = sim.refusals[0]?.at as number;
        const after = await Promise.all([
          b!.client.GET("/api/v3/depth", { params: { query: { symbol: "BTCUSDT" } } }),
          b!.client.GET("/api/v3/account"),
          b!.client.POST("/api/v3/order/test", {
            params: { query: { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "1" } },
          }),
        ]);
        expect(after.map((r) => r.response.status)).toEqual([200, 200, 200]);
        expect(sim.refusals.map((r) => r.status)).toEqual([418]);
        expect(sim.arrivals.filter((arrival) => arrival.at > bannedAt && arrival.at < bannedAt + 1500)).toEqual([]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  },
);
