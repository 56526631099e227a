/**
 * Order commands end to end: every order kind, modify, cancel one, cancel all, order groups, and the
 * X-REQID guarantee: a command whose first response is lost is retried with the same key and creates
 * exactly one order, whichever way ALOR answers the repeated key.
 */
import { randomUUID } from "node:crypto";
import { HttpError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import { type AlorClient, type AlorSchemas, unwrap } from "../src/index.js";
import { arrivalsOf, clientFor, ORDERS, simulator } from "./support.js";

const PORTFOLIO = "D39004";
const SBER = { symbol: "SBER", exchange: "MOEX", instrumentGroup: "TQBR" } as const;
/** The generated types make fields with a default (allowMargin, activate) required in request bodies. */
const stopBase = { side: "sell", condition: "less", allowMargin: false, activate: true } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A buy limit order far below the market, so it stays working. */
function placeRestingLimit(client: AlorClient, requestId = randomUUID(), price = 250) {
  return unwrap(
    client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", {
      params: { header: { "X-REQID": requestId } },
      body: { side: "buy", quantity: 1, price, instrument: SBER, user: { portfolio: PORTFOLIO }, allowMargin: false },
    }),
  );
}

describe("ALOR order commands", () => {
  for (const answer of ["first-result", "already-handled"] as const) {
    it(`a retried order whose first response was dropped creates exactly one order (repeat answered ${answer})`, async () => {
      const sim = await simulator({ duplicateRequestAnswer: answer });
      const { client, count } = clientFor(sim);
      sim.dropNextResponse({ operationId: "placeLimitOrder" });
      const requestId = randomUUID();
      const result = await placeRestingLimit(client, requestId);

      expect(sim.counters.droppedResponses).toBe(1);
      expect(sim.counters.ordersCreated).toBe(1);
      expect(sim.counters.duplicateRequests).toBe(1);
      expect(count("retry")).toBe(1);
      const arrivals = arrivalsOf(sim, `${ORDERS}/actions/limit`);
      expect(arrivals).toHaveLength(2);
      expect(arrivals.map((arrival) => arrival.headers["x-reqid"])).toEqual([requestId, requestId]);
      // Both ways of answering a repeated key give the caller the first outcome.
      expect(result).toEqual({ message: "success", orderNumber: sim.orders[0]?.id });
    });
  }

  it("a command without a caller-supplied key gets one generated, reused on its retry", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const { orderNumber } = await placeRestingLimit(client);
    sim.dropNextResponse({ operationId: "cancelOrder" });
    const cancelled = await unwrap(
      client.DELETE("/commandapi/warptrans/TRADE/v2/client/orders/{orderId}", {
        params: {
          path: { orderId: Number(orderNumber) },
          query: { portfolio: PORTFOLIO, exchange: "MOEX", stop: false },
        },
        parseAs: "text",
      }),
    );
    expect(cancelled).toBe("success");
    const keys = arrivalsOf(sim, `${ORDERS}/${orderNumber}`).map((arrival) => arrival.headers["x-reqid"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toBe(keys[0]);
    expect(sim.counters.duplicateRequests).toBe(1);
    expect(sim.orders[0]?.status).toBe("canceled");
  });

  it("places market, limit, stop and stop-limit orders, modifies a limit order and reads them back", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const header = () => ({ header: { "X-REQID": randomUUID() } });
    const user = { portfolio: PORTFOLIO };

    const market = await unwrap(
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/market", {
        params: header(),
        body: { side: "buy", quantity: 2, instrument: SBER, user, allowMargin: false },
      }),
    );
    const limit = await placeRestingLimit(client);
    const stop = await unwrap(
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/stop", {
        params: header(),
        body: { ...stopBase, triggerPrice: 280, quantity: 1, instrument: SBER, user },
      }),
    );
    const stopLimit = await unwrap(
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/stopLimit", {
        params: header(),
        body: { ...stopBase, triggerPrice: 280, price: 279, quantity: 1, instrument: SBER, user },
      }),
    );
    const modified = await unwrap(
      client.PUT("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit/{orderId}", {
        params: { ...header(), path: { orderId: Number(limit.orderNumber) } },
        body: { side: "buy", quantity: 3, price: 251, instrument: SBER, user, allowMargin: false },
      }),
    );
    expect(modified.orderNumber).not.toBe(limit.orderNumber);

    const path = { exchange: "MOEX", portfolio: PORTFOLIO } as const;
    // Asked in the Simple format, so each answer is the Simple member of its format union.
    const simple = { format: "Simple" } as const;
    const orders = (await unwrap(
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/orders", { params: { path, query: simple } }),
    )) as AlorSchemas["Order"][];
    const status = Object.fromEntries(orders.map((order) => [order.id, order.status]));
    expect(status).toMatchObject({
      [market.orderNumber as string]: "filled",
      [limit.orderNumber as string]: "canceled",
      [modified.orderNumber as string]: "working",
    });
    const one = await unwrap(
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/orders/{orderId}", {
        params: { path: { ...path, orderId: Number(modified.orderNumber) } },
      }),
    );
    expect(one).toMatchObject({ price: 251, qty: 3, type: "limit" });
    const stops = await unwrap(client.GET("/md/v2/Clients/{exchange}/{portfolio}/stoporders", { params: { path } }));
    expect(stops.map((order) => order.id).sort()).toEqual([stop.orderNumber, stopLimit.orderNumber].sort());
    const trades = (await unwrap(
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/trades", { params: { path, query: simple } }),
    )) as AlorSchemas["PortfolioTrade"][];
    expect(trades.some((trade) => trade.orderno === market.orderNumber)).toBe(true);
  });

  it("cancel-all cancels every working order of the portfolio in one request", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    for (const price of [250, 251, 252]) await placeRestingLimit(client, randomUUID(), price);
    await unwrap(
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/stop", {
        params: { header: { "X-REQID": randomUUID() } },
        body: { ...stopBase, triggerPrice: 280, quantity: 1, instrument: SBER, user: { portfolio: PORTFOLIO } },
      }),
    );
    const answer = await unwrap(
      client.DELETE("/commandapi/warptrans/TRADE/v2/client/orders/all", {
        params: { query: { exchange: "MOEX", portfolio: PORTFOLIO } },
      }),
    );
    expect(answer).toBe("success");
    expect(sim.counters.requests.cancelAllOrders).toBe(1);
    expect(sim.orders.map((order) => order.status)).toEqual(["canceled", "canceled", "canceled", "canceled"]);

    // Nothing left: ALOR refuses, and unwrap says why.
    const nothing = await unwrap(
      client.DELETE("/commandapi/warptrans/TRADE/v2/client/orders/all", {
        params: { query: { exchange: "MOEX", portfolio: PORTFOLIO } },
      }),
    ).catch((e: unknown) => e);
    expect(nothing).toBeInstanceOf(HttpError);
    expect((nothing as HttpError).status).toBe(400);
    expect((nothing as HttpError).message).toMatch(/answered 400 to .*\/orders\/all\?.*: Orders to cancel not found$/);
  });

  it("order groups: create, list, read and cancel (which cancels the members)", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const first = await placeRestingLimit(client, randomUUID(), 250);
    const second = await placeRestingLimit(client, randomUUID(), 251);
    const member = (orderId: string | undefined) =>
      ({ portfolio: PORTFOLIO, exchange: "MOEX", orderId: orderId as string, type: "Limit" }) as const;

    const created = await unwrap(
      client.POST("/commandapi/api/orderGroups", {
        body: { orders: [member(first.orderNumber), member(second.orderNumber)], executionPolicy: "OnExecuteOrCancel" },
      }),
    );
    expect(created.groupId).toMatch(UUID);
    const groupId = created.groupId as string;
    const groups = await unwrap(client.GET("/commandapi/api/orderGroups"));
    expect(groups.map((group) => group.id)).toEqual([groupId]);
    const group = await unwrap(
      client.GET("/commandapi/api/orderGroups/{orderGroupId}", { params: { path: { orderGroupId: groupId } } }),
    );
    expect(group).toMatchObject({ status: "Active", executionPolicy: "OnExecuteOrCancel" });
    expect(group.orders?.map((order) => order.orderId)).toEqual([first.orderNumber, second.orderNumber]);

    const cancelled = await unwrap(
      client.DELETE("/commandapi/api/orderGroups/{orderGroupId}", {
        params: { path: { orderGroupId: groupId } },
        parseAs: "text",
      }),
    );
    expect(cancelled).toBe("success");
    const after = await unwrap(
      client.GET("/commandapi/api/orderGroups/{orderGroupId}", { params: { path: { orderGroupId: groupId } } }),
    );
    expect(after.status).toBe("Canceled");

    // A refused group request surfaces ALOR's problem detail.
    const refused = await unwrap(
      client.POST("/commandapi/api/orderGroups", {
        body: { orders: [member("999")], executionPolicy: "IgnoreCancel" },
      }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).message).toMatch(/answered 400 .*: order 999 \(Limit\) not found in MOEX\/D39004$/);
  });
});
