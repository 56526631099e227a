/**
 * Weighted per-IP limits, checked at the server, on scaled-down windows (scaled.ts says why).
 */
import { describe, expect, it } from "vitest";
import { burst, SCALED_WINDOWS, scaledClient } from "./scaled.js";
import { maxWeightInWindow, simulator } from "./support.js";

describe("binance spot: weighted per-IP limits at the server", () => {
  it("a burst never takes more than the budget of any 1 s or 3 s window, and no call is refused", async () => {
    const sim = await simulator({ weightWindows: SCALED_WINDOWS });
    const { client, events } = scaledClient(sim);
    const results = await burst(client);
    expect(results.map((r) => r.response.status).every((status) => status === 200)).toBe(true);
    expect(sim.refusals).toEqual([]);
    // 384 weight of calls plus the clock read (weight 1).
    expect(sim.weighed.reduce((sum, call) => sum + call.weight, 0)).toBe(385);
    expect(maxWeightInWindow(sim.weighed, 1000)).toBeLessThanOrEqual(60);
    expect(maxWeightInWindow(sim.weighed, 3000)).toBeLessThanOrEqual(120);
    // The limit was binding: calls waited for room.
    expect(events.some((event) => event.type === "throttle.wait")).toBe(true);
  });

  it("a 418 pauses every call of the IP scope until Retry-After, then they all go through", async () => {
    const sim = await simulator({ weightWindows: SCALED_WINDOWS });
    const { client, events } = scaledClient(sim);
    expect((await client.GET("/api/v3/ping")).response.status).toBe(200);
    sim.ban(1500);
    const banned = await client.GET("/api/v3/depth", { params: { query: { symbol: "BTCUSDT" } } });
    expect(banned.response.status).toBe(418);
    const bannedAt = sim.refusals[0]?.at as number;
    // Every kind of call: other weights, signed, a POST; none may reach the server during the ban.
    const after = await Promise.all([
      client.GET("/api/v3/ping"),
      client.GET("/api/v3/ticker/price", { params: { query: { symbol: "BTCUSDT" } } }),
      client.GET("/api/v3/account"),
      client.POST("/api/v3/order/test", {
        params: { query: { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "1" } },
      }),
      client.POST("/api/v3/order", {
        params: { query: { symbol: "ETHUSDT", side: "BUY", type: "MARKET", quantity: "1" } },
      }),
    ]);
    expect(after.map((r) => r.response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(sim.refusals.map((r) => r.status)).toEqual([418]);
    const during = sim.arrivals.filter((a) => a.at > bannedAt && a.at < bannedAt + 1500);
    expect(during).toEqual([]);
    expect(events.filter((e) => e.type === "throttle.pause" && e.reason === "ban").length).toBeGreaterThanOrEqual(2);
  });
});
