/**
 * One socket per feed and credential: every subscription on a feed shares it (the simulator counts one
 * connection), a symbol two subscriptions share stays subscribed until both end, and `break` or an
 * abort unsubscribes at the server.
 */
import { describe, expect, it } from "vitest";
import { AlpacaSymbolLimitError, alpacaMarketDataStream, alpacaTradingStream } from "../src/streams.js";
import { eventually, simulator, tradingClient } from "./support.js";

describe("alpaca market data stream sharing", () => {
  it("a second subscribe on the same feed reuses the socket", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const stream = alpacaMarketDataStream(rest);
    // Asking again for the feed gives the client already open, not a second connection.
    expect(alpacaMarketDataStream(rest)).toBe(stream);
    const trades = stream.subscribe("trades", { trades: ["AAPL"] });
    const quotes = alpacaMarketDataStream(rest).subscribe("quotes", { quotes: ["MSFT", "AAPL"] });
    await Promise.all([trades.ready, quotes.ready]);
    sim.streams.tick();
    expect((await trades.next()).value).toMatchObject({ T: "t", S: "AAPL" });
    expect([(await quotes.next()).value.S, (await quotes.next()).value.S].sort()).toEqual(["AAPL", "MSFT"]);

    expect(sim.streams.counters.connections.data).toEqual({ current: 1, total: 1 });
    expect(sim.streams.subscriptions()).toEqual([
      expect.objectContaining({ trades: ["AAPL"], quotes: ["MSFT", "AAPL"] }),
    ]);
    await stream.close();
    // A closed client is forgotten: the next one opens a new socket.
    const again = alpacaMarketDataStream(rest);
    expect(again).not.toBe(stream);
    await again.close();
  });

  it("a symbol two subscriptions share is unsubscribed when the last one ends", async () => {
    const sim = await simulator();
    const stream = alpacaMarketDataStream(tradingClient(sim));
    const one = stream.subscribe("trades", { trades: ["AAPL", "MSFT"] });
    const two = stream.subscribe("trades", { trades: ["AAPL"] });
    await Promise.all([one.ready, two.ready]);
    // The second asked for nothing new, so only one subscribe message was sent.
    expect(sim.streams.counters.subscribeMessages).toBe(1);
    await one.unsubscribe();
    expect(sim.streams.subscriptions()[0]?.trades).toEqual(["AAPL"]);
    sim.streams.tick();
    expect((await two.next()).value).toMatchObject({ T: "t", S: "AAPL" });
    await two.unsubscribe();
    expect(sim.streams.subscriptions()[0]?.trades).toEqual([]);
    expect(sim.streams.counters.unsubscribeMessages).toBe(2);
    await stream.close();
  });

  it("a subscribe racing a refused one on the same symbol makes its own request", async () => {
    const sim = await simulator({ streams: { symbolLimit: 1 } });
    const stream = alpacaMarketDataStream(tradingClient(sim));
    const refused = stream.subscribe("trades", { trades: ["AAPL", "MSFT"] });
    const accepted = stream.subscribe("trades", { trades: ["AAPL"] });
    await expect(refused.ready).rejects.toBeInstanceOf(AlpacaSymbolLimitError);
    await accepted.ready;
    expect(sim.streams.subscriptions()[0]?.trades).toEqual(["AAPL"]);
    sim.streams.tick();
    expect((await accepted.next()).value).toMatchObject({ T: "t", S: "AAPL" });
    await stream.close();
  });

  it("break and abort unsubscribe at the server", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const stream = alpacaMarketDataStream(rest);
    const quotes = stream.subscribe("quotes", { quotes: ["AAPL"] });
    await quotes.ready;
    sim.streams.tick();
    for await (const quote of quotes) {
      expect(quote.S).toBe("AAPL");
      break;
    }
    expect(await eventually(() => sim.streams.subscriptions()[0]?.quotes?.length === 0)).toBe(true);

    const controller = new AbortController();
    const bars = stream.subscribe("bars", { bars: ["MSFT"] }, { signal: controller.signal });
    await bars.ready;
    expect(sim.streams.subscriptions()[0]?.bars).toEqual(["MSFT"]);
    controller.abort();
    expect(await eventually(() => sim.streams.subscriptions()[0]?.bars?.length === 0)).toBe(true);

    const trading = alpacaTradingStream(rest);
    const updates = trading.subscribe("tradeUpdates", {});
    await updates.ready;
    expect(sim.streams.listening()).toEqual([["trade_updates"]]);
    await updates.return?.();
    expect(sim.streams.listening()).toEqual([[]]);
    expect(sim.streams.counters.connections.data.total).toBe(1);
    await Promise.all([stream.close(), trading.close()]);
  });
});
