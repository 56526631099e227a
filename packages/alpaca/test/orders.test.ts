/**
 * Order safety end to end: submitOrder against the simulator (and a proxy for failures the simulator cannot
 * stage) ends with exactly one order whatever happens to the answer, looks the order up before any
 * resubmission, and never turns a real rejection into a success. The retry layer does not replay an order
 * POST that may have arrived, because Alpaca rejects a reused client_order_id (manifest `reuse: rejected`).
 */
import { AmbiguousOutcomeError, HttpError } from "@brokerkit/middleware";
import { afterEach, describe, expect, it } from "vitest";
import { submitAccountOrder } from "../src/broker.js";
import { OrderReconciliationError, submitOrder } from "../src/trading.js";
import { type RunningProxy, startProxy } from "./proxy.js";
import { brokerClient, limitOrder, recorder, simulator, tradingClient } from "./support.js";

const proxies: RunningProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const fast = { lookupDelayMs: 20 };

describe("submitOrder", () => {
  it("places an order with a generated client_order_id and confirms it from the answer", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const result = await submitOrder(client, limitOrder(), fast);
    expect(result.clientOrderId).toMatch(UUID);
    expect(result).toMatchObject({ confirmedBy: "response", submissions: 1, lookups: 0 });
    expect(result.order.client_order_id).toBe(result.clientOrderId);
    expect(sim.orders().map((o) => o.client_order_id)).toEqual([result.clientOrderId]);
    expect(sim.requestsTo("GET /v2/orders:by_client_order_id")).toBe(0);
  });

  it("a dropped answer ends as exactly one order: looked up, never sent again", async () => {
    const sim = await simulator();
    const events = recorder();
    const client = tradingClient(sim, { observer: events.observer });
    sim.dropNextResponse({ method: "POST", path: "/v2/orders" });

    const result = await submitOrder(client, limitOrder({ client_order_id: "drop-once-1" }), fast);

    expect(result).toMatchObject({ confirmedBy: "lookup", submissions: 1, lookups: 1, clientOrderId: "drop-once-1" });
    expect(result.order.client_order_id).toBe("drop-once-1");
    expect(sim.counters.droppedResponses).toBe(1);
    expect(sim.orders()).toHaveLength(1);
    expect(sim.orders()[0]?.id).toBe(result.order.id);
    // One POST: neither the retry layer nor submitOrder replayed it (a replay would have met a 422).
    expect(sim.requestsTo("POST /v2/orders")).toBe(1);
    expect(sim.requestsTo("GET /v2/orders:by_client_order_id")).toBe(1);
    expect(events.count("retry")).toBe(0);
    // The lookup came after the POST.
    const paths = sim.arrivals.map((a) => `${a.method} ${a.path}`);
    expect(paths.indexOf("POST /v2/orders")).toBeLessThan(paths.indexOf("GET /v2/orders:by_client_order_id"));
  });

  it("resubmits, with the same client_order_id, only after the lookup proved the order absent", async () => {
    const sim = await simulator();
    let posts = 0;
    const proxy = await startProxy(sim.url, (method, path) =>
      method === "POST" && path === "/v2/orders" && posts++ === 0 ? "cut" : "forward",
    );
    proxies.push(proxy);
    const client = tradingClient(sim, { servers: { trading: proxy.url } });

    const result = await submitOrder(client, limitOrder(), fast);

    expect(result).toMatchObject({ confirmedBy: "response", submissions: 2, lookups: 1 });
    expect(proxy.seen).toEqual(["POST /v2/orders", "GET /v2/orders:by_client_order_id", "POST /v2/orders"]);
    expect(sim.orders().map((o) => o.client_order_id)).toEqual([result.clientOrderId]);
  });

  it("treats a 5xx as an unknown outcome: lookup, then resubmission", async () => {
    const sim = await simulator();
    let posts = 0;
    const proxy = await startProxy(sim.url, (method, path) =>
      method === "POST" && path === "/v2/orders" && posts++ === 0
        ? { status: 502, body: { message: "bad gateway" } }
        : "forward",
    );
    proxies.push(proxy);
    const client = tradingClient(sim, { servers: { trading: proxy.url } });

    const result = await submitOrder(client, limitOrder(), fast);

    expect(result).toMatchObject({ confirmedBy: "response", submissions: 2, lookups: 1 });
    // The retry layer returned the 502 instead of replaying the POST itself.
    expect(proxy.seen.filter((s) => s === "POST /v2/orders")).toHaveLength(2);
    expect(sim.orders()).toHaveLength(1);
  });

  it("gives up with AmbiguousOutcomeError naming the key when every submission is lost before arriving", async () => {
    const sim = await simulator();
    const proxy = await startProxy(sim.url, (method, path) =>
      method === "POST" && path === "/v2/orders" ? "cut" : "forward",
    );
    proxies.push(proxy);
    const client = tradingClient(sim, { servers: { trading: proxy.url } });

    const error = await submitOrder(client, limitOrder({ client_order_id: "never-lands" }), fast).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect((error as AmbiguousOutcomeError).idempotencyKey).toBe("never-lands");
    expect((error as Error).message).toContain("never-lands");
    expect(proxy.seen.filter((s) => s === "POST /v2/orders")).toHaveLength(2);
    expect(sim.orders()).toHaveLength(0);
  });

  it("a real 422 stays a rejection (the lookup finds nothing under the key)", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const error = await submitOrder(client, limitOrder({ symbol: "NOPE" }), fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(422);
    expect((error as Error).message).toMatch(/POST \/v2\/orders: HTTP 422 .*NOPE/);
    expect(sim.orders()).toHaveLength(0);
  });

  it("refuses a client_order_id that already belongs to a different order", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    await submitOrder(client, limitOrder({ client_order_id: "taken" }), fast);
    const error = await submitOrder(client, limitOrder({ client_order_id: "taken", qty: "5" }), fast).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OrderReconciliationError);
    expect((error as Error).message).toContain("differs from this one in qty");
    expect(sim.orders()).toHaveLength(1);
  });

  it("returns the existing order when the same order is submitted again with its client_order_id", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const first = await submitOrder(client, limitOrder({ client_order_id: "same-order" }), fast);
    const again = await submitOrder(client, limitOrder({ client_order_id: "same-order" }), fast);
    expect(again).toMatchObject({ confirmedBy: "lookup", submissions: 1, lookups: 1 });
    expect(again.order.id).toBe(first.order.id);
    expect(sim.orders()).toHaveLength(1);
  });
});

describe("the generated client's own order POST", () => {
  it("adds a client_order_id, and after a dropped answer reports the ambiguity with it instead of replaying", async () => {
    const sim = await simulator();
    const events = recorder();
    const client = tradingClient(sim, { observer: events.observer });
    sim.dropNextResponse({ method: "POST", path: "/v2/orders" });

    const error = await client.POST("/v2/orders", { body: limitOrder() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    const key = (error as AmbiguousOutcomeError).idempotencyKey as string;
    expect(key).toMatch(UUID);
    expect(sim.orders().map((o) => o.client_order_id)).toEqual([key]);
    expect(sim.requestsTo("POST /v2/orders")).toBe(1);
    expect(events.count("retry")).toBe(0);
  });

  it("still retries order reads (GET) on a lost answer", async () => {
    const sim = await simulator();
    const client = tradingClient(sim, { retry: { baseDelayMs: 10 } });
    sim.dropNextResponse({ method: "GET", path: "/v2/orders" });
    const { data } = await client.GET("/v2/orders", { params: { query: { status: "all" } } });
    expect(data).toEqual([]);
    expect(sim.requestsTo("GET /v2/orders")).toBe(2);
  });
});

describe("submitAccountOrder (Broker API)", () => {
  it("a dropped answer ends as exactly one order of the customer account", async () => {
    const sim = await simulator();
    const client = brokerClient(sim);
    const path = `/v1/trading/accounts/${sim.brokerAccountId}/orders`;
    sim.dropNextResponse({ method: "POST", path });

    const result = await submitAccountOrder(client, sim.brokerAccountId, limitOrder(), fast);

    expect(result).toMatchObject({ confirmedBy: "lookup", submissions: 1, lookups: 1 });
    expect(sim.orders(sim.brokerAccountId).map((o) => o.client_order_id)).toEqual([result.clientOrderId]);
    expect(sim.requestsTo("POST /v1/trading/accounts/{account_id}/orders")).toBe(1);
    expect(sim.requestsTo("GET /v1/trading/accounts/{account_id}/orders")).toBe(1);
  });
});
