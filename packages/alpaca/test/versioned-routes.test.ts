/**
 * Retired legacy routes: /v2/clock and /v2/calendar keep working through their v3 successors, adapted to
 * the v2 shape, and the adapted answer is the same as what v2 itself answers (so the v2 types stay true).
 * What cannot be adapted is refused with an error naming the field or parameter.
 */
import { ConfigError, MalformedResponseError } from "@brokerkit/middleware";
import { afterEach, describe, expect, it } from "vitest";
import { getLegacyCalendar, getLegacyClock, legacyCalendarFromV3, legacyClockFromV3 } from "../src/trading.js";
import { type RunningProxy, startProxy } from "./proxy.js";
import { simulator, tradingClient } from "./support.js";

const proxies: RunningProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

const withoutTimestamp = <T extends { timestamp: string }>({ timestamp: _, ...rest }: T) => rest;

describe("GET /v2/clock after Alpaca retired it", () => {
  it("is served by /v3/clock (NYSE), adapted to the v2 shape, and the same as v2's own answer", async () => {
    const sim = await simulator({ legacyClock: "available" });
    const original = await getLegacyClock(tradingClient(sim));
    expect(original.servedBy).toBe("/v2/clock");

    sim.setLegacyClock("gone");
    const client = tradingClient(sim);
    const adapted = await getLegacyClock(client);
    expect(adapted.servedBy).toBe("/v3/clock");
    expect(Object.keys(adapted.data).sort()).toEqual(["is_open", "next_close", "next_open", "timestamp"]);
    expect(withoutTimestamp(adapted.data)).toEqual(withoutTimestamp(original.data));
    expect(sim.arrivals.filter((a) => a.path === "/v3/clock").map((a) => a.query.get("markets"))).toEqual(["NYSE"]);

    // The client remembers the retirement: the next call goes straight to v3.
    await getLegacyClock(client);
    expect(sim.requestsTo("GET /v2/clock")).toBe(2);
    expect(sim.requestsTo("GET /v3/clock")).toBe(2);
  });

  it("treats a 404 like a 410", async () => {
    const sim = await simulator({ legacyClock: "not-found" });
    const { servedBy, data } = await getLegacyClock(tradingClient(sim));
    expect(servedBy).toBe("/v3/clock");
    expect(typeof data.is_open).toBe("boolean");
  });

  it("refuses a v3 body that lacks what the v2 shape needs, naming the field", () => {
    const market = { acronym: "NYSE", name: "New York Stock Exchange", timezone: "America/New_York", mic: "XNYS" };
    const clock = {
      market,
      timestamp: "2024-06-03T10:00:00-04:00",
      is_market_day: true,
      next_market_open: "2024-06-04T09:30:00-04:00",
      next_market_close: "2024-06-03T16:00:00-04:00",
      phase: "core" as const,
      phase_until: "2024-06-03T16:00:00-04:00",
    };
    expect(legacyClockFromV3({ clocks: [clock] })).toEqual({
      timestamp: clock.timestamp,
      is_open: true,
      next_open: clock.next_market_open,
      next_close: clock.next_market_close,
    });
    const onlyLse = { clocks: [{ ...clock, market: { ...market, acronym: "LSE", mic: "XLON" } }] };
    expect(() => legacyClockFromV3(onlyLse)).toThrow(MalformedResponseError);
    expect(() => legacyClockFromV3(onlyLse)).toThrow(/no NYSE \(XNYS\) clock/);
    const { next_market_open: _, ...incomplete } = clock;
    expect(() => legacyClockFromV3({ clocks: [incomplete as typeof clock] })).toThrow(/next_market_open is missing/);
  });

  it("tolerates new phases and fields in v3 (forward compatible): only phase core is open", () => {
    const clock = {
      market: { acronym: "NYSE", name: "NYSE", timezone: "America/New_York", mic: "XNYS", region: "US" },
      timestamp: "2024-06-03T08:00:00-04:00",
      is_market_day: true,
      next_market_open: "2024-06-03T09:30:00-04:00",
      next_market_close: "2024-06-03T16:00:00-04:00",
      phase: "opening_auction",
      phase_until: "2024-06-03T09:30:00-04:00",
      auction: { kind: "open" },
    };
    const body = { clocks: [clock] } as unknown as Parameters<typeof legacyClockFromV3>[0];
    expect(legacyClockFromV3(body).is_open).toBe(false);
  });
});

describe("GET /v2/calendar after Alpaca retired it", () => {
  /** The simulator keeps /v2/calendar; a proxy in front of it answers 410 for it, as Alpaca does for retired routes. */
  async function retiredCalendar() {
    const sim = await simulator();
    const proxy = await startProxy(sim.url, (method, path) =>
      method === "GET" && path === "/v2/calendar"
        ? { status: 410, body: { code: 41010000, message: "gone" } }
        : "forward",
    );
    proxies.push(proxy);
    return { sim, proxy, client: tradingClient(sim, { servers: { trading: proxy.url } }) };
  }

  it("is served by /v3/calendar/NYSE, adapted day by day to exactly what v2 answers", async () => {
    const { sim, proxy, client } = await retiredCalendar();
    // A date-time start is read as a New York trading date (22:00 on 2 June in New York).
    const query = { start: "2024-06-03T02:00:00Z", end: "2024-07-10" };
    const adapted = await getLegacyCalendar(client, query);
    expect(adapted.servedBy).toBe("/v3/calendar/NYSE");
    const original = await tradingClient(sim).GET("/v2/calendar", { params: { query } });
    expect(adapted.data.length).toBeGreaterThan(20);
    expect(adapted.data).toEqual(original.data);
    expect(adapted.data[0]).toMatchObject({ date: "2024-06-03", open: "09:30", close: "16:00", session_open: "0400" });

    await getLegacyCalendar(client, query);
    expect(proxy.seen.filter((s) => s === "GET /v2/calendar")).toHaveLength(1);
  });

  it("refuses date_type=SETTLEMENT, which v3 cannot answer, naming the parameter", async () => {
    const { client } = await retiredCalendar();
    const error = await getLegacyCalendar(client, { date_type: "SETTLEMENT" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("date_type=SETTLEMENT");
  });

  it("refuses a v3 calendar of another market", () => {
    expect(() =>
      legacyCalendarFromV3({ market: { acronym: "LSE", name: "London", timezone: "Europe/London" }, calendar: [] }),
    ).toThrow(/market is not NYSE/);
  });
});
