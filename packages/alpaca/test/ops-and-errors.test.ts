/**
 * What an application sees first, against the simulator: operation-named calls (`client.ops.<operationId>`),
 * typed exactly like the path calls; `throwOnError: true`; and the error classes and `unwrap` imported
 * from this package (not from the transitive @brokerkit/middleware).
 */
import { describe, expect, it } from "vitest";
import { AuthError, BrokerkitError, HttpError, RateLimitError, type TradingSchemas, unwrap } from "../src/index.js";
import { createTradingClient, type TradingClient } from "../src/trading.js";
import { limitOrder, serversOf, simulator, tradingClient } from "./support.js";

type Account = TradingSchemas["Account"];

describe("ops facade", () => {
  it("calls operations by operationId, with path, query and body merged into one argument", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { data: account, error } = await client.ops.getAccount();
    expect(error).toBeUndefined();
    expect(account).toEqual((await client.GET("/v2/account")).data);
    // The same result type as the path call: data is optional until the error is ruled out.
    const typed: Account | undefined = account;
    expect(typed?.id).toBe(sim.tradingAccountId);

    const { data: placed } = await client.ops.createOrder({ body: limitOrder({ limit_price: "101" }) });
    const orderId = placed?.id as string;
    const { data: fetched } = await client.ops.getOrder({ order_id: orderId });
    expect(fetched).toMatchObject({ id: orderId, limit_price: "101" });
    const { data: open } = await client.ops.listOrders({ status: "open" });
    expect(open?.map((o) => o.id)).toEqual([orderId]);
    const { response } = await client.ops.cancelOrder({ order_id: orderId });
    expect(response.status).toBe(204);
    const { data: stillOpen } = await client.ops.listOrders({ status: "open" });
    expect(stillOpen).toEqual([]);
  });

  it("is a table, not a function per operation: unknown names are undefined, known ones enumerate", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    expect("getAccount" in client.ops).toBe(true);
    expect((client.ops as unknown as Record<string, unknown>).toString).toBeUndefined();
    expect((client.ops as unknown as Record<string, unknown>).noSuchOperation).toBeUndefined();
    expect(Object.keys(client.ops)).toContain("replaceOrder");
    expect(client.ops.getAccount).toBe(client.ops.getAccount);
  });

  it("types each operation's arguments like the path call", () => {
    const check = (client: TradingClient) => {
      // @ts-expect-error order_id is a required path parameter
      void client.ops.getOrder({});
      // @ts-expect-error no such query parameter
      void client.ops.listOrders({ colour: "red" });
      // @ts-expect-error createOrder needs a body
      void client.ops.createOrder({});
    };
    expect(check).toBeTypeOf("function");
  });
});

describe("throwOnError", () => {
  it("returns data that is never optional, and throws HttpError with the status and body on a non-2xx", async () => {
    const sim = await simulator();
    const client = createTradingClient({
      environment: "paper",
      credentials: sim.credentials,
      servers: serversOf(sim),
      throwOnError: true,
    });
    const { data } = await client.GET("/v2/account");
    // No `?.`: with throwOnError the type says data is there.
    const id: string = data.id;
    expect(id).toBe(sim.tradingAccountId);
    const viaOps: Account = (await client.ops.getAccount()).data;
    expect(viaOps.id).toBe(id);

    const missing = "00000000-0000-4000-8000-000000000000";
    const thrown = await client
      .GET("/v2/orders/{order_id}", { params: { path: { order_id: missing } } })
      .catch((e) => e);
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toBeInstanceOf(BrokerkitError);
    expect(thrown).toMatchObject({ status: 404, method: "GET" });
    expect(thrown.message).toContain("GET /v2/orders/{order_id}: HTTP 404");
    await expect(client.ops.getOrder({ order_id: missing })).rejects.toBeInstanceOf(HttpError);
  });

  it("throws HttpError on Alpaca's 403 for a wrong key (a 403 may also be a refused order, so it is no AuthError)", async () => {
    const sim = await simulator();
    const client = createTradingClient({
      environment: "paper",
      credentials: { keyId: sim.credentials.keyId, secretKey: "wrong-secret-0123456789abcdef" },
      servers: serversOf(sim),
      throwOnError: true,
      retry: false,
    });
    const thrown = await client.ops.getAccount().catch((e) => e);
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).not.toBeInstanceOf(AuthError);
    expect(thrown.status).toBe(403);
    expect(JSON.stringify(thrown)).not.toContain("wrong-secret-0123456789abcdef");
  });
});

describe("unwrap", () => {
  it("returns the data of a 2xx and throws the typed error of a non-2xx", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const account = await unwrap(client.ops.getAccount());
    expect(account.id).toBe(sim.tradingAccountId);
    const error = await unwrap(client.ops.getOrder({ order_id: "00000000-0000-4000-8000-000000000000" })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error.status).toBe(404);
  });
});
