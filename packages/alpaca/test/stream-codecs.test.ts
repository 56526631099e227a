/**
 * JSON and MessagePack frames give the same typed messages: two accounts read the same simulated
 * feed, one over each codec (MessagePack timestamps come out as the RFC 3339 text JSON carries).
 */

import { createStreamClient } from "@brokerkit/stream";
import { alpacaTradingMsgpack } from "@brokerkit/stream/alpaca";
import { describe, expect, it } from "vitest";
import {
  type AlpacaTradingSubscriptions,
  alpacaMarketDataStream,
  alpacaTradingStream,
  alpacaTradingStreamSpec,
} from "../src/streams.js";
import { submitOrder } from "../src/trading.js";
import { simulator, tradingClient } from "./support.js";

const SECOND = { keyId: "PKSIMULATOR0000000002", secretKey: "simulator-secret-key-0002" };

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push((await iterator.next()).value);
  return items;
}

describe("alpaca stream codecs", () => {
  it("market data: msgpack and JSON messages are identical", async () => {
    const sim = await simulator({
      keys: [{ keyId: "PKSIMULATOR0000000001", secretKey: "simulator-secret-key-0001" }, SECOND],
    });
    const json = alpacaMarketDataStream(tradingClient(sim));
    const msgpack = alpacaMarketDataStream(tradingClient(sim, { credentials: SECOND }), { codec: "msgpack" });
    const subscriptions = [json, msgpack].map((stream) => ({
      trades: stream.subscribe("trades", { trades: ["AAPL", "MSFT"] }),
      bars: stream.subscribe("bars", { bars: ["*"] }),
    }));
    await Promise.all(subscriptions.flatMap((s) => [s.trades.ready, s.bars.ready]));
    sim.streams.tick(10);

    const [jsonSide, packedSide] = subscriptions as [(typeof subscriptions)[0], (typeof subscriptions)[0]];
    const [jsonTrades, packedTrades] = await Promise.all([take(jsonSide.trades, 20), take(packedSide.trades, 20)]);
    const [jsonBars, packedBars] = await Promise.all([take(jsonSide.bars, 6), take(packedSide.bars, 6)]);
    expect(sim.streams.counters.msgpackSockets).toBe(1);
    expect(packedTrades).toEqual(jsonTrades);
    expect(packedBars).toEqual(jsonBars);
    expect(jsonTrades[0]).toMatchObject({ T: "t", S: "AAPL", x: "V", z: "C" });
    expect(jsonTrades[0]?.t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    // The wildcard covers every simulated stock: one bar each.
    expect(new Set(jsonBars.map((bar) => bar.S)).size).toBe(6);
    await Promise.all([json.close(), msgpack.close()]);
  });

  it("trade updates: msgpack and JSON events are identical", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const json = alpacaTradingStream(rest);
    // A second socket of the same account, over MessagePack: alpacaTradingStream would hand back the
    // client already open for this credential, so this one is made with the runtime directly.
    const msgpack = createStreamClient<AlpacaTradingSubscriptions>(
      alpacaTradingStreamSpec,
      alpacaTradingMsgpack,
      rest.runtime,
    );
    const a = json.subscribe("tradeUpdates", {});
    const b = msgpack.subscribe("tradeUpdates", {});
    await Promise.all([a.ready, b.ready]);
    await submitOrder(rest, { symbol: "AAPL", qty: "2", side: "buy", type: "market", time_in_force: "day" });
    const [fromJson, fromMsgpack] = await Promise.all([take(a, 2), take(b, 2)]);
    expect(sim.streams.counters.msgpackSockets).toBe(1);
    expect(fromMsgpack).toEqual(fromJson);
    expect(fromJson.map((m) => m.data.event)).toEqual(["new", "fill"]);
    await Promise.all([json.close(), msgpack.close()]);
  });
});
