/**
 * A generated package type-checks under strict settings, and its typed calls reach a real
 * 127.0.0.1 server with the right method, path, query and body.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../src/generate.js";
import { compile, tempWorkspace } from "./helpers.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

async function listen(answer: (seen: Seen) => unknown): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(entry);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer(entry)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const ws = tempWorkspace(["minibroker"]);
const pkg = join(ws.packagesDir, "minibroker");
const order = { id: "o-1", status: "new", symbol: "AAPL", qty: 1, side: "buy" };

describe("generated client", () => {
  let api: Awaited<ReturnType<typeof listen>>;
  let auth: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    await generate({ root: ws.root });
    api = await listen((seen) => (seen.url.startsWith("/v2/orders?") ? [order] : order));
    auth = await listen(() => ({ session: "s-1" }));
  });
  afterAll(async () => {
    await new Promise((resolve) => api.server.close(resolve));
    await new Promise((resolve) => auth.server.close(resolve));
    ws.dispose();
  });

  it("type-checks under strict settings, and rejects unknown paths and wrong bodies", () => {
    const consumer = join(pkg, "src/consumer.ts");
    writeFileSync(
      consumer,
      `import { createMiniTradingClient, type MiniTradingSchemas } from "./index.js";
const client = createMiniTradingClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
export async function use(): Promise<MiniTradingSchemas["Order"] | undefined> {
  const { data } = await client.GET("/v2/orders/{order_id}", { params: { path: { order_id: "1" } } });
  const status: "new" | "filled" | "canceled" | undefined = data?.status;
  void status;
  // @ts-expect-error unknown path
  await client.GET("/v9/nothing");
  // @ts-expect-error side must be buy or sell
  await client.POST("/v2/orders", { body: { symbol: "X", qty: 1, side: "short" } });
  // @ts-expect-error unknown environment
  createMiniTradingClient({ environment: "staging", credentials: { keyId: "k", secretKey: "s" } });
  return data;
}
`,
    );
    expect(compile([consumer])).toEqual([]);
  });

  it("sends typed calls with the right method, path, query and body", async () => {
    const dist = join(pkg, "dist");
    expect(compile([join(pkg, "src/index.ts")], dist)).toEqual([]);
    const mod = await import(pathToFileURL(join(dist, "index.js")).href);
    const client = mod.createMiniTradingClient({
      environment: "paper",
      credentials: { keyId: "k", secretKey: "s" },
      servers: { api: api.url, auth: auth.url },
    });

    const list = await client.GET("/v2/orders", { params: { query: { status: "open", limit: 5 } } });
    expect(list.data).toEqual([order]);
    expect(api.seen.at(-1)).toMatchObject({ method: "GET", url: "/v2/orders?status=open&limit=5" });

    await client.GET("/v2/orders", { params: { query: { symbols: ["AAPL", "MSFT"], status: "all" } } });
    expect(api.seen.at(-1)?.url).toBe("/v2/orders?symbols=AAPL,MSFT&status=all");

    await client.GET("/v2/orders/{order_id}", { params: { path: { order_id: "a b/c" } } });
    expect(api.seen.at(-1)).toMatchObject({ method: "GET", url: "/v2/orders/a%20b%2Fc" });

    await client.GET("/v2/orders:by_client_order_id", { params: { query: { client_order_id: "c-1" } } });
    expect(api.seen.at(-1)?.url).toBe("/v2/orders:by_client_order_id?client_order_id=c-1");

    const created = await client.POST("/v2/orders", { body: { symbol: "AAPL", qty: 1, side: "buy" } });
    expect(created.data).toEqual(order);
    const post = api.seen.at(-1);
    expect(post?.method).toBe("POST");
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post?.body ?? "")).toMatchObject({ symbol: "AAPL", qty: 1, side: "buy" });
  });

  it("generates ops: operation calls by operationId, flat arguments, JSDoc from the spec, typed like path calls", async () => {
    const ops = readFileSync(join(pkg, "src/generated/trading/ops.ts"), "utf8");
    expect(ops).toMatch(/^ {2}getOrder: \d+,$/m);
    expect(ops).toMatch(/@deprecated[^\n]*\n[^\n]*\n {2}getOrderV1\(/);
    const consumer = join(pkg, "src/ops-consumer.ts");
    writeFileSync(
      consumer,
      `import { createMiniTradingClient, type MiniTradingSchemas } from "./index.js";
const client = createMiniTradingClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
const throwing = createMiniTradingClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" }, throwOnError: true });
export async function use(): Promise<MiniTradingSchemas["Order"]> {
  const { data } = await client.ops.getOrder({ order_id: "1" });
  const maybe: MiniTradingSchemas["Order"] | undefined = data;
  void maybe;
  // @ts-expect-error order_id is required
  await client.ops.getOrder({});
  // @ts-expect-error side must be buy or sell
  await client.ops.createOrder({ body: { symbol: "X", qty: 1, side: "short" } });
  // @ts-expect-error data may be missing without throwOnError
  const sure: MiniTradingSchemas["Order"] = (await client.ops.getOrder({ order_id: "1" })).data;
  void sure;
  return (await throwing.ops.getOrder({ order_id: "1" })).data;
}
`,
    );
    expect(compile([consumer])).toEqual([]);

    const mod = await import(pathToFileURL(join(pkg, "dist", "index.js")).href);
    const client = mod.createMiniTradingClient({
      environment: "paper",
      credentials: { keyId: "k", secretKey: "s" },
      servers: { api: api.url, auth: auth.url },
    });
    const list = await client.ops.listOrders({ status: "open", symbols: ["AAPL", "MSFT"] });
    expect(list.data).toEqual([order]);
    expect(api.seen.at(-1)).toMatchObject({ method: "GET", url: "/v2/orders?status=open&symbols=AAPL,MSFT" });
    await client.ops.getOrder({ order_id: "a b/c" });
    expect(api.seen.at(-1)).toMatchObject({ method: "GET", url: "/v2/orders/a%20b%2Fc" });
    const created = await client.ops.createOrder({ body: { symbol: "AAPL", qty: 1, side: "buy" } });
    expect(created.data).toEqual(order);
    expect(JSON.parse(api.seen.at(-1)?.body ?? "")).toMatchObject({ symbol: "AAPL", qty: 1, side: "buy" });
  });

  it("honours per-operation servers: POST /session goes to the auth server", async () => {
    const mod = await import(pathToFileURL(join(pkg, "dist", "index.js")).href);
    const client = mod.createMiniTradingClient({
      environment: "paper",
      credentials: { keyId: "k", secretKey: "s" },
      servers: { api: api.url, auth: auth.url },
    });
    const before = api.seen.length;
    const { data } = await client.POST("/session");
    expect(data).toEqual({ session: "s-1" });
    expect(auth.seen.at(-1)).toMatchObject({ method: "POST", url: "/session" });
    expect(api.seen.length).toBe(before);
  });

  it("rejects an unknown environment and an unknown server override by name", async () => {
    const mod = await import(pathToFileURL(join(pkg, "dist", "index.js")).href);
    expect(() => mod.createMiniTradingClient({ environment: "staging", credentials: {} })).toThrow(
      /unknown environment "staging".*expected one of live, paper/,
    );
    expect(() =>
      mod.createMiniTradingClient({ environment: "paper", credentials: {}, servers: { apy: "http://127.0.0.1:1" } }),
    ).toThrow(/unknown server key "apy" in options.servers/);
  });
});
