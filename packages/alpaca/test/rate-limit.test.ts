/**
 * Alpaca's limit (200 requests per minute per account) is in the manifest, and the X-RateLimit-* headers
 * feed back into the client's throttle: with a simulator whose quota is far smaller than the manifest's,
 * an exhausted `X-RateLimit-Remaining: 0` pauses the account's bucket until `X-RateLimit-Reset`, so calls
 * made one after another never run into a 429; a concurrent burst that does is retried after the reset.
 */
import { describe, expect, it } from "vitest";
import { tradingConfig } from "../src/trading.js";
import { recorder, simulator, tradingClient } from "./support.js";

describe("rate limit", () => {
  it("the manifest's 200 per minute per account is the client's throttle rule", () => {
    expect(tradingConfig.rateLimits).toEqual([{ name: "per-account", limit: 200, intervalMs: 60_000 }]);
  });

  it("an exhausted X-RateLimit-Remaining pauses the bucket until the reset: no 429 in sequence", async () => {
    const sim = await simulator({ rateLimit: { limit: 4, windowMs: 1_000 } });
    const events = recorder();
    const client = tradingClient(sim, { observer: events.observer });
    for (let i = 0; i < 10; i++) {
      const { response } = await client.GET("/v2/account");
      expect(response.status).toBe(200);
    }
    expect(sim.counters.rateLimited).toBe(0);
    const pauses = events.events.filter((e) => e.type === "throttle.pause");
    expect(pauses.length).toBeGreaterThanOrEqual(2);
    expect(pauses.every((e) => (e as { reason: string }).reason === "headers")).toBe(true);
    expect(events.count("retry")).toBe(0);
  });

  it("a concurrent burst over the quota ends with every call answered (429s wait for the reset)", async () => {
    const sim = await simulator({ rateLimit: { limit: 4, windowMs: 1_000 } });
    const client = tradingClient(sim);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await client.GET("/v2/account")).response.status),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    // Every request the server refused was sent again after the reset, and nothing else was.
    expect(sim.requestsTo("GET /v2/account")).toBe(10 + sim.counters.rateLimited);
  });
});
