/** Orders end to end: the 1-per-second order bucket, x-request-id retries, and retired v1 routes. */
import { afterEach, describe, expect, it } from "vitest";
import { maxInWindow } from "../../testing/src/server.js";
import { saxoConfig } from "../src/index.js";
import { ACCOUNT_KEY, clientFor, EURUSD, limitOrder, simulator, stopSimulators } from "./helpers.js";

afterEach(stopSimulators);

const ORDER_PATH = /^\/sim\/openapi\/trade\/v[12]\/orders(\/|$)/;
const isOrderOperation = (a: { method: string; path: string }) => a.method !== "GET" && ORDER_PATH.test(a.path);

describe("order rate limit (1 order operation per second per session)", () => {
  it("never lets two order operations reach the server within one second", async () => {
    // The simulator enforces Saxo's documented quota, the same as the manifest's orders bucket.
    const sim = await simulator({ orderLimit: 1, orderWindowMs: 1_000 });
    const { client, events } = clientFor(sim);

    // Identical bodies on purpose: each call gets its own x-request-id, so none is a duplicate.
    const placed = await Promise.all([1, 2, 3].map(() => client.POST("/trade/v2/orders", { body: limitOrder() })));
    const ids = placed.map((result) => result.data?.OrderId as string);
    const cancelled = await client.DELETE("/trade/v2/orders/{OrderIds}", {
      params: { path: { OrderIds: ids.join(",") }, query: { AccountKey: ACCOUNT_KEY } },
    });

    expect(placed.map((result) => result.response.status)).toEqual([200, 200, 200]);
    expect(new Set(ids).size).toBe(3);
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data?.Orders?.map((order) => order.OrderId)).toEqual(ids);
    const arrivals = sim.arrivals.filter(isOrderOperation);
    expect(arrivals).toHaveLength(4);
    expect(
      maxInWindow(
        arrivals.map((a) => a.at),
        1_000,
      ),
    ).toBe(1);
    expect(sim.counters.rateLimited).toBe(0);
    expect(sim.counters.duplicateOrders).toBe(0);
    expect(events.filter((e) => e.type === "throttle.wait").length).toBeGreaterThanOrEqual(3);
  });
});

describe("idempotent order retries (x-request-id)", () => {
  it("places an order once when its response is lost and the retry carries the same x-request-id", async () => {
    const sim = await simulator();
    const { client, events } = clientFor(sim);
    const dropped = sim.dropNextResponse({ method: "POST", path: "/trade/v2/orders" });

    const result = await client.POST("/trade/v2/orders", { body: limitOrder() });

    expect((await dropped).status).toBe(200); // the first attempt placed the order, then its answer was lost
    expect(result.response.status).toBe(200);
    expect(sim.orders).toHaveLength(1);
    expect(result.data?.OrderId).toBe(sim.orders[0]?.OrderId);
    expect(sim.counters.ordersPlaced).toBe(1);
    expect(sim.counters.orderReplays).toBe(1);
    const attempts = sim.arrivals.filter(isOrderOperation);
    expect(attempts).toHaveLength(2);
    const keys = attempts.map((a) => a.headers["x-request-id"]);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
  });

  it("sends a fresh x-request-id per logical call, and keeps one the caller chose", async () => {
    const sim = await simulator({ orderWindowMs: 100 }); // a quick order quota keeps this test short
    const { client } = clientFor(sim, { throttle: false });
    await client.POST("/trade/v2/orders", { body: limitOrder() });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await client.POST("/trade/v2/orders", { body: limitOrder(), params: { header: { "x-request-id": "mine-1" } } });
    const keys = sim.arrivals.filter(isOrderOperation).map((a) => a.headers["x-request-id"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe("mine-1");
  });
});

describe("retired v1 routes", () => {
  it("maps v1 orders to v2 and v1 charts to v3 in the manifest", () => {
    expect(saxoConfig.routes).toEqual([
      { from: "/trade/v1/orders", to: "/trade/v2/orders" },
      { from: "/trade/v1/orders/{OrderIds}", to: "/trade/v2/orders/{OrderIds}" },
      { from: "/chart/v1/charts", to: "/chart/v3/charts" },
    ]);
  });

  it("v1 chart and order calls succeed through v3 / v2 while the simulator answers v1 as retired", async () => {
    const sim = await simulator({ retireV1Routes: true });
    const { client, events } = clientFor(sim);

    const chart = await client.GET("/chart/v1/charts", { params: { query: { ...EURUSD, Horizon: 60, Count: 5 } } });
    const placed = await client.POST("/trade/v1/orders", { body: limitOrder() });
    const orderId = placed.data?.OrderId as string;
    const modified = await client.PATCH("/trade/v1/orders", {
      body: { AccountKey: ACCOUNT_KEY, AssetType: "FxSpot", OrderId: orderId, OrderPrice: 1.04 },
    });
    const cancelled = await client.DELETE("/trade/v1/orders/{OrderIds}", {
      params: { path: { OrderIds: orderId }, query: { AccountKey: ACCOUNT_KEY } },
    });

    expect(chart.response.status).toBe(200);
    expect(chart.data?.Data?.length).toBe(5);
    expect([placed, modified, cancelled].map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(sim.orders[0]).toMatchObject({ OrderId: orderId, Price: 1.04, Status: "Cancelled" });
    expect(sim.counters.retiredRouteHits).toBe(0);
    const sent = sim.arrivals.filter((a) => !a.path.endsWith("/isalive")).map((a) => `${a.method} ${a.path}`);
    expect(sent).toEqual([
      "GET /sim/openapi/chart/v3/charts",
      "POST /sim/openapi/trade/v2/orders",
      "PATCH /sim/openapi/trade/v2/orders",
      `DELETE /sim/openapi/trade/v2/orders/${orderId}`,
    ]);
    const rewrites = events.filter((e) => e.type === "route.rewrite");
    expect(rewrites.length).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.type === "deprecation")).toBe(true);
  });
});
