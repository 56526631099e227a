/**
 * submitOrder with an open trading stream: the order's fate comes from its trade updates instead of
 * polling, and a lost answer to the POST is settled by the order's own event, with no lookup.
 */
import { describe, expect, it } from "vitest";
import { alpacaTradingStream } from "../src/streams.js";
import { submitOrder } from "../src/trading.js";
import { eventually, simulator, tradingClient } from "./support.js";

const LOOKUP = "GET /v2/orders:by_client_order_id";

describe("submitOrder on the trading stream", () => {
  it("awaits a market order's fill from its events", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const stream = alpacaTradingStream(rest);
    const result = await submitOrder(
      rest,
      { symbol: "AAPL", qty: "3", side: "buy", type: "market", time_in_force: "day" },
      { tradeUpdates: stream, awaitFate: true },
    );
    expect(result.confirmedBy).toBe("response");
    expect(result.events?.map((event) => event.event)).toEqual(["new", "fill"]);
    expect(result.fate).toMatchObject({
      event: "fill",
      qty: "3",
      order: { status: "filled", client_order_id: result.clientOrderId },
    });
    expect(result.fate?.execution_id).toEqual(expect.any(String));
    expect(sim.requestsTo(LOOKUP)).toBe(0);
    // The watch ended: the stream listens to nothing any more.
    expect(await eventually(() => sim.streams.listening()[0]?.length === 0)).toBe(true);
    await stream.close();
  });

  it("waits for a resting order until the simulator fills it", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const stream = alpacaTradingStream(rest);
    const pending = submitOrder(
      rest,
      { symbol: "MSFT", qty: "1", side: "buy", type: "limit", limit_price: "400", time_in_force: "day" },
      { tradeUpdates: stream, awaitFate: true },
    );
    expect(await eventually(() => sim.orders().length === 1)).toBe(true);
    sim.fillOrder(sim.orders()[0]?.id as string);
    const result = await pending;
    expect(result.events?.map((event) => event.event)).toEqual(["new", "fill"]);
    expect(result.fate).toMatchObject({ event: "fill", price: "400", order: { status: "filled" } });
    await stream.close();
  });

  it("settles a lost answer by the order's event, without a lookup or a second order", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim);
    const stream = alpacaTradingStream(rest);
    sim.dropNextResponse({ method: "POST", path: "/v2/orders" });
    const result = await submitOrder(
      rest,
      { symbol: "NVDA", qty: "1", side: "buy", type: "market", time_in_force: "day" },
      { tradeUpdates: stream },
    );
    expect(result).toMatchObject({ confirmedBy: "stream", submissions: 1, lookups: 0 });
    expect(result.order.client_order_id).toBe(result.clientOrderId);
    expect(sim.requestsTo(LOOKUP)).toBe(0);
    expect(sim.counters.ordersCreated).toBe(1);
    await stream.close();
  });
});
