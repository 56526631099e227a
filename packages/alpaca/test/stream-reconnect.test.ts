/**
 * A dropped socket: the stream client reconnects, authenticates again and subscribes again, on both
 * Alpaca streams; trade updates the server sends twice reach the consumer once.
 */
import { describe, expect, it } from "vitest";
import { alpacaMarketDataStream, alpacaTradingStream } from "../src/streams.js";
import { submitOrder } from "../src/trading.js";
import { eventually, recorder, simulator, tradingClient } from "./support.js";

const FAST = { reconnect: { baseDelayMs: 20, maxDelayMs: 100 } };

describe("alpaca streams after a dropped socket", () => {
  it("trade updates resume on a re-authenticated socket, and a re-sent event is delivered once", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const events = recorder();
    const stream = alpacaTradingStream(rest, { ...FAST, observer: events.observer });
    const updates = stream.subscribe("tradeUpdates", {});
    await updates.ready;

    const first = await submitOrder(rest, {
      symbol: "AAPL",
      qty: "1",
      side: "buy",
      type: "market",
      time_in_force: "day",
    });
    const seen: string[] = [];
    const read = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const { value } = await updates.next();
        seen.push(`${value.data.event}:${value.data.order.client_order_id}`);
      }
    };
    await read(2);

    expect(sim.streams.dropAll()).toBe(1);
    expect(
      await eventually(() => sim.streams.counters.listenMessages === 2 && sim.streams.listening().length === 1),
    ).toBe(true);
    // The server sends the first order's events again (as after a failover), then a second order's.
    expect(sim.streams.resendTradeUpdates(sim.tradingAccountId, 2)).toBe(2);
    const second = await submitOrder(rest, {
      symbol: "MSFT",
      qty: "1",
      side: "buy",
      type: "market",
      time_in_force: "day",
    });
    await read(2);

    expect(seen).toEqual([
      `new:${first.clientOrderId}`,
      `fill:${first.clientOrderId}`,
      `new:${second.clientOrderId}`,
      `fill:${second.clientOrderId}`,
    ]);
    expect(sim.streams.counters.tradeUpdates).toBe(6);
    expect(sim.streams.counters.connections.trading).toEqual({ current: 1, total: 2 });
    expect(events.count("stream.reconnect")).toBe(1);
    expect(events.count("stream.resubscribe")).toBe(1);
    await stream.close();
  });

  it("market data resumes with the same subscription on the new socket", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const stream = alpacaMarketDataStream(rest, FAST);
    const quotes = stream.subscribe("quotes", { quotes: ["AAPL", "MSFT"] });
    await quotes.ready;
    sim.streams.tick();
    const before = [(await quotes.next()).value.S, (await quotes.next()).value.S].sort();
    expect(before).toEqual(["AAPL", "MSFT"]);

    sim.streams.dropAll();
    expect(
      await eventually(
        () => sim.streams.counters.connections.data.total === 2 && sim.streams.subscriptions()[0]?.quotes?.length === 2,
      ),
    ).toBe(true);
    sim.streams.tick();
    const after = [(await quotes.next()).value.S, (await quotes.next()).value.S].sort();
    expect(after).toEqual(["AAPL", "MSFT"]);
    // One auth per socket, one subscribe per socket: nothing else was asked of the server.
    expect(sim.streams.counters.subscribeMessages).toBe(2);
    expect(sim.streams.counters.connections.data).toEqual({ current: 1, total: 2 });
    await stream.close();
  });

  it("a quiet socket that answers pings is kept", async () => {
    const sim = await simulator();
    const events = recorder();
    const stream = alpacaTradingStream(tradingClient(sim), {
      ...FAST,
      idleTimeoutMs: 1_000,
      observer: events.observer,
    });
    const updates = stream.subscribe("tradeUpdates", {});
    await updates.ready;
    // No order, so no event: only pings and pongs cross the socket, for several idle deadlines.
    expect(await eventually(() => sim.streams.counters.pings >= 6, 1_000)).toBe(true);
    expect(events.count("stream.idle")).toBe(0);
    expect(sim.streams.counters.connections.trading).toEqual({ current: 1, total: 1 });
    await stream.close();
  });

  it("a silent socket is replaced within its idle deadline", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const events = recorder();
    const stream = alpacaMarketDataStream(rest, { ...FAST, idleTimeoutMs: 200, observer: events.observer });
    const trades = stream.subscribe("trades", { trades: ["AAPL"] });
    await trades.ready;
    sim.streams.silence(60_000);
    expect(
      await eventually(
        () =>
          events.count("stream.idle") === 1 &&
          sim.streams.subscriptions().some((s) => s.trades?.includes("AAPL")) &&
          sim.streams.counters.connections.data.total === 2,
      ),
    ).toBe(true);
    sim.streams.tick();
    expect((await trades.next()).value).toMatchObject({ T: "t", S: "AAPL" });
    await stream.close();
  });
});
