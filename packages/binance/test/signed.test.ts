/**
 * The generated Binance client from its folder alone: typed calls with no timestamp or signature
 * arguments, signed by the middleware and checked by the simulator (on a server clock 20 s ahead of the
 * local one), re-signed with a fresh timestamp when a call is retried, and no secret in any error.
 */
import { NetworkError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import type { SpotClient, SpotOperations } from "../src/index.js";
import { clientFor, simulator } from "./support.js";

describe("binance spot: signed calls", () => {
  it("market data and signed account, order and trade calls work without placeholder arguments", async () => {
    const sim = await simulator({ clockOffsetMs: 20_000 });
    const { client } = clientFor(sim);

    expect((await client.GET("/api/v3/ping")).data).toEqual({});
    const book = await client.GET("/api/v3/depth", { params: { query: { symbol: "BTCUSDT", limit: 5 } } });
    expect(book.data?.bids).toHaveLength(5);
    const bars = await client.GET("/api/v3/klines", {
      params: { query: { symbol: "ETHUSDT", interval: "1m", limit: 3 } },
    });
    expect(bars.data).toHaveLength(3);

    const account = await client.GET("/api/v3/account", { params: { query: { omitZeroBalances: true } } });
    expect(account.error).toBeUndefined();
    expect(account.data?.balances.map((b) => b.asset)).toEqual(["BTC", "USDT"]);

    const placed = await client.POST("/api/v3/order", {
      params: {
        query: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.01", price: "60000" },
      },
    });
    expect(placed.error).toBeUndefined();
    // The idempotency layer gave the order its client order id, in the query.
    expect(placed.data?.clientOrderId).toMatch(/^[0-9a-f-]{36}$/);
    const open = await client.GET("/api/v3/openOrders", { params: { query: { symbol: "BTCUSDT" } } });
    expect(open.data?.map((o) => o.orderId)).toEqual([placed.data?.orderId]);
    const cancelled = await client.DELETE("/api/v3/order", {
      params: { query: { symbol: "BTCUSDT", orderId: placed.data?.orderId as number } },
    });
    expect(cancelled.data?.status).toBe("CANCELED");

    const market = await client.POST("/api/v3/order", {
      params: { query: { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "1" } },
    });
    const trades = await client.GET("/api/v3/myTrades", { params: { query: { symbol: "ETHUSDT" } } });
    expect(trades.data?.map((t) => t.orderId)).toEqual([market.data?.orderId]);

    // Every signed call passed the server's checks; the clock offset was read once from GET /api/v3/time.
    expect(sim.signedCalls.length).toBe(6);
    expect(sim.signedCalls.every((call) => call.ok)).toBe(true);
    expect(sim.arrivals.filter((a) => a.path === "/api/v3/time")).toHaveLength(1);
    // No timestamp or signature on unsigned calls.
    const depth = sim.arrivals.find((a) => a.path === "/api/v3/depth");
    expect(depth?.query.has("signature")).toBe(false);
    expect(depth?.query.has("timestamp")).toBe(false);
  });

  it("the generated types have no timestamp or signature parameter (checked by typecheck)", () => {
    // Absent from every signed operation's query; recvWindow and newClientOrderId stay optional.
    type Query<Op extends keyof SpotOperations> = NonNullable<SpotOperations[Op]["parameters"]["query"]>;
    type Absent<Op extends keyof SpotOperations> = [Extract<keyof Query<Op>, "timestamp" | "signature">] extends [never]
      ? true
      : false;
    const absent: [Absent<"createOrder">, Absent<"testOrder">, Absent<"getAccount">, Absent<"cancelOrder">] = [
      true,
      true,
      true,
      true,
    ];
    const optional: undefined extends Query<"createOrder">["recvWindow" | "newClientOrderId"] ? true : false = true;
    const neverCalled = (client: SpotClient) => {
      // @ts-expect-error: the client fills the timestamp in
      void client.GET("/api/v3/account", { params: { query: { timestamp: 0 } } });
    };
    expect([...absent, optional, typeof neverCalled]).toEqual([true, true, true, true, true, "function"]);
  });

  it("a retried call is signed again with a fresh timestamp, and both signatures check out", async () => {
    const sim = await simulator();
    const { client, events } = clientFor(sim);
    sim.failNext("POST /api/v3/order/test", 503);
    sim.failNext("GET /api/v3/account", 503);

    const tested = await client.POST("/api/v3/order/test", {
      params: { query: { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.5" } },
    });
    expect(tested.error).toBeUndefined();
    expect(tested.data).toEqual({});
    const account = await client.GET("/api/v3/account");
    expect(account.error).toBeUndefined();

    for (const route of ["POST /api/v3/order/test", "GET /api/v3/account"]) {
      const calls = sim.signedCalls.filter((call) => call.route === route);
      expect(calls.map((call) => call.ok)).toEqual([true, true]);
      // The backoff lies between the attempts, so the second timestamp is later.
      expect(calls[1]?.timestamp).toBeGreaterThan(calls[0]?.timestamp as number);
    }
    expect(events.filter((event) => event.type === "retry")).toHaveLength(2);
  });

  it("an order whose client order id is refused is not sent again; a wrong secret fails without leaking it", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const order = {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "1",
      price: "1",
    } as const;
    const first = await client.POST("/api/v3/order", { params: { query: { ...order, newClientOrderId: "mine-1" } } });
    expect(first.data?.clientOrderId).toBe("mine-1");
    const again = await client.POST("/api/v3/order", { params: { query: { ...order, newClientOrderId: "mine-1" } } });
    expect(again.error).toEqual({ code: -2010, msg: "Duplicate order sent." });
    expect(sim.orders).toHaveLength(1);

    const secretKey = "wrongSecretKey0000000000000000000000000000000000000000000000001";
    const wrong = clientFor(sim, { credentials: { apiKey: sim.apiKey, secretKey }, retry: { attempts: 1 } });
    const refused = await wrong.client.GET("/api/v3/account");
    expect(refused.response.status).toBe(400);
    expect(refused.error).toEqual({ code: -1022, msg: "Signature for this request is not valid." });
    // A signed call that fails in the stack: the error names the call, never the key, the secret or a signature.
    await sim.close();
    const failure = await wrong.client.GET("/api/v3/account").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(NetworkError);
    const printed = `${String(failure)} ${JSON.stringify(failure)} ${JSON.stringify((failure as Error).cause ?? null)}`;
    expect(printed).toContain("/api/v3/account");
    expect(printed).not.toContain(secretKey);
    expect(printed).not.toContain(sim.apiKey);
    expect(printed).not.toMatch(/signature=[0-9a-f]{64}/);
  });
});
