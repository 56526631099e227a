/**
 * The ALOR simulator, exercised with plain fetch the way a client would: token exchange and expiry,
 * the per-user rate limit, X-REQID deduplication, dropped responses, pagination and filters, and the
 * trading state (orders, cancel-all, order groups).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  ALOR_SIM_SECURITIES,
  type AlorSimulator,
  type AlorSimulatorOptions,
  startAlorSimulator,
} from "../src/alor/index.js";

const running: AlorSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function simulator(options?: AlorSimulatorOptions): Promise<AlorSimulator> {
  const sim = await startAlorSimulator(options);
  running.push(sim);
  return sim;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ORDERS = "/commandapi/warptrans/TRADE/v2/client/orders";

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString("utf8"));
}

async function accessToken(sim: AlorSimulator, refreshToken = sim.refreshToken): Promise<string> {
  const res = await fetch(`${sim.url}/refresh?token=${encodeURIComponent(refreshToken)}`, { method: "POST" });
  expect(res.status).toBe(200);
  return ((await res.json()) as { AccessToken: string }).AccessToken;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are ALOR-shaped JSON that the assertions check.
type Json = any;

interface CallOptions {
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A tiny client for one JWT: (method, path, options) → { status, body, headers }. */
function client(sim: AlorSimulator, token: string) {
  return async (method: string, path: string, options: CallOptions = {}) => {
    const url = new URL(path, sim.url);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    const isJson = res.headers.get("content-type")?.startsWith("application/json");
    return { status: res.status, body: (isJson && text ? JSON.parse(text) : text) as Json, headers: res.headers };
  };
}

async function connect(sim: AlorSimulator) {
  return client(sim, await accessToken(sim));
}

const limitOrder = (overrides: Record<string, unknown> = {}) => ({
  side: "buy",
  quantity: 2,
  price: 300,
  instrument: { symbol: "SBER", exchange: "MOEX" },
  user: { portfolio: "D39004" },
  ...overrides,
});

describe("token exchange", () => {
  it("exchanges a refresh token given as ?token= for a JWT that lives tokenLifetimeMs", async () => {
    const sim = await simulator({ tokenLifetimeMs: 90_000 });
    const before = Date.now();
    const jwt = await accessToken(sim);
    const claims = claimsOf(jwt);
    expect(claims.sub).toBe("P039004");
    expect(claims.portfolios).toBe("D39004 7500GHC");
    const expMs = (claims.exp as number) * 1000;
    expect(expMs).toBeGreaterThanOrEqual(before + 90_000);
    expect(expMs).toBeLessThanOrEqual(Date.now() + 90_000);
    expect(sim.counters.tokenExchanges).toBe(1);
  });

  it("accepts the refresh token as a JSON body and defaults to a 30-minute lifetime", async () => {
    const sim = await simulator();
    const res = await fetch(`${sim.url}/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: sim.refreshToken, allowedPortfolios: ["D39004"] }),
    });
    expect(res.status).toBe(200);
    const claims = claimsOf(((await res.json()) as { AccessToken: string }).AccessToken);
    expect(claims.portfolios).toBe("D39004");
    const lifetime = (claims.exp as number) * 1000 - (claims.iat as number) * 1000;
    expect(lifetime).toBeGreaterThanOrEqual(30 * 60_000);
    expect(lifetime).toBeLessThan(30 * 60_000 + 1000);
  });

  it("refuses an unknown refresh token with ALOR's 403 and a JSON error that does not echo it", async () => {
    const sim = await simulator();
    const res = await fetch(`${sim.url}/refresh?token=not-a-real-token`, { method: "POST" });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/refresh token/);
    expect(JSON.stringify(body)).not.toContain("not-a-real-token");
    expect(sim.counters).toMatchObject({ tokenExchanges: 0, tokenRejections: 1 });
  });

  it("can refuse with 401 instead when configured", async () => {
    const sim = await simulator({ refreshRejectStatus: 401 });
    const res = await fetch(`${sim.url}/refresh?token=nope`, { method: "POST" });
    expect(res.status).toBe(401);
  });
});

describe("JWT checks on API calls", () => {
  it("serves a valid JWT, then answers 401 once its exp has passed", async () => {
    const sim = await simulator({ tokenLifetimeMs: 1_000 });
    const jwt = await accessToken(sim);
    const call = client(sim, jwt);
    expect((await call("GET", "/md/v2/time")).status).toBe(200);
    const expMs = (claimsOf(jwt).exp as number) * 1000;
    await sleep(Math.max(0, expMs - Date.now()) + 50);
    const expired = await call("GET", "/md/v2/time");
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ message: "JWT expired" });
    expect(sim.counters.unauthorized).toBe(1);
    expect((await client(sim, await accessToken(sim))("GET", "/md/v2/time")).status).toBe(200);
  });

  it("answers 401 to missing, forged and revoked JWTs", async () => {
    const sim = await simulator();
    const jwt = await accessToken(sim);
    expect((await fetch(`${sim.url}/md/v2/time`)).status).toBe(401);
    const [header, payload] = jwt.split(".");
    const forged = `${header}.${payload}.${"A".repeat(43)}`;
    expect((await client(sim, forged)("GET", "/md/v2/time")).status).toBe(401);
    sim.revokeAccessTokens();
    expect((await client(sim, jwt)("GET", "/md/v2/time")).status).toBe(401);
    expect(sim.counters.unauthorized).toBe(3);
  });
});

describe("rate limit", () => {
  it("admits `rateLimit` requests per user in the window and answers the rest 429 with Retry-After", async () => {
    const second = { login: "P000002", refreshToken: "second-user-token", portfolios: ["D00002"] };
    const sim = await simulator({
      rateLimit: 5,
      rateWindowMs: 10_000,
      users: [{ login: "P039004", refreshToken: "first-user-token", portfolios: ["D39004"] }, second],
    });
    const call = await connect(sim);
    const answers = await Promise.all(Array.from({ length: 8 }, () => call("GET", "/md/v2/time")));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = answers.find((a) => a.status === 429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused?.body.message).toMatch(/5 requests in 10000 ms/);
    expect(sim.counters.rateLimited).toBe(3);
    // Another user has a budget of their own.
    const other = client(sim, await accessToken(sim, second.refreshToken));
    expect((await other("GET", "/md/v2/time")).status).toBe(200);
  });

  it("slides: once the oldest admitted request leaves the window, a new one is admitted", async () => {
    const sim = await simulator({ rateLimit: 2, rateWindowMs: 1_500 });
    const call = await connect(sim);
    expect((await call("GET", "/md/v2/time")).status).toBe(200);
    expect((await call("GET", "/md/v2/time")).status).toBe(200);
    expect((await call("GET", "/md/v2/time")).status).toBe(429);
    await sleep(1_600);
    expect((await call("GET", "/md/v2/time")).status).toBe(200);
  });

  it("admits ALOR's 100 requests by default", async () => {
    // A long window keeps the count exact on a slow machine; the default window is ALOR's 1 s.
    const sim = await simulator({ rateWindowMs: 60_000 });
    const call = await connect(sim);
    const answers = await Promise.all(Array.from({ length: 101 }, () => call("GET", "/md/v2/time")));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(100);
    expect(sim.counters.rateLimited).toBe(1);
    expect(sim.counters.requests.getServerTime).toBe(101);
  });
});

describe("X-REQID", () => {
  it("answers a repeated key with the first result and creates no second order", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const headers = { "X-REQID": "req-1" };
    const first = await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder(), headers });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ message: "success", orderNumber: expect.stringMatching(/^\d+$/) });
    const again = await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder({ quantity: 9 }), headers });
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(sim.counters).toMatchObject({ ordersCreated: 1, duplicateRequests: 1 });
    const orders = await call("GET", "/md/v2/Clients/MOEX/D39004/orders");
    expect(orders.body).toHaveLength(1);
    expect(orders.body[0]).toMatchObject({ id: first.body.orderNumber, status: "working", qtyBatch: 2, qtyUnits: 20 });
  });

  it("can answer a repeated key in ALOR's documented 400 + oldResponse shape", async () => {
    const sim = await simulator({ duplicateRequestAnswer: "already-handled" });
    const call = await connect(sim);
    const headers = { "X-REQID": "req-2" };
    const first = await call("POST", `${ORDERS}/actions/market`, { body: limitOrder({ price: undefined }), headers });
    const again = await call("POST", `${ORDERS}/actions/market`, { body: limitOrder({ price: undefined }), headers });
    expect(again.status).toBe(400);
    expect(again.body.oldResponse).toEqual({ statusCode: 200, body: first.body });
    expect(sim.counters.ordersCreated).toBe(1);
  });

  it("requires X-REQID on order commands and scopes keys per user", async () => {
    const second = { login: "P000002", refreshToken: "second-user-token", portfolios: ["D00002"] };
    const sim = await simulator({
      users: [{ login: "P039004", refreshToken: "first-user-token", portfolios: ["D39004"] }, second],
    });
    const call = await connect(sim);
    const missing = await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder() });
    expect(missing).toMatchObject({ status: 400, body: { message: "header X-REQID is required" } });
    expect(sim.counters.ordersCreated).toBe(0);
    const headers = { "X-REQID": "shared-key" };
    const mine = await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder(), headers });
    const other = client(sim, await accessToken(sim, second.refreshToken));
    const theirs = await other("POST", `${ORDERS}/actions/limit`, {
      body: limitOrder({ user: { portfolio: "D00002" } }),
      headers,
    });
    expect(theirs.body.orderNumber).not.toBe(mine.body.orderNumber);
    expect(sim.counters).toMatchObject({ ordersCreated: 2, duplicateRequests: 0 });
  });
});

describe("dropped responses", () => {
  it("executes the request, cuts the connection, and a retry with the same key returns the first outcome", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    sim.dropNextResponse({ method: "POST", operationId: "placeLimitOrder" });
    const headers = { "X-REQID": "ambiguous-1" };
    await expect(call("POST", `${ORDERS}/actions/limit`, { body: limitOrder(), headers })).rejects.toThrow();
    expect(sim.counters).toMatchObject({ ordersCreated: 1, droppedResponses: 1 });
    const retry = await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder(), headers });
    expect(retry.status).toBe(200);
    expect(retry.body.orderNumber).toBe(sim.orders[0]?.id);
    expect(sim.counters).toMatchObject({ ordersCreated: 1, duplicateRequests: 1, droppedResponses: 1 });
  });

  it("drops only as many responses as asked", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    sim.dropNextResponse({ path: "/md/v2/time" }, 2);
    await expect(call("GET", "/md/v2/time")).rejects.toThrow();
    await expect(call("GET", "/md/v2/time")).rejects.toThrow();
    expect((await call("GET", "/md/v2/time")).status).toBe(200);
  });
});

describe("securities search", () => {
  it("pages with limit/offset (25 by default) through the whole catalogue, most traded first", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const firstPage = await call("GET", "/md/v2/Securities");
    expect(firstPage.body).toHaveLength(25);
    const pages: { symbol: string; board: string; rating: number }[][] = [];
    for (let offset = 0; offset < 500; offset += 25) {
      const page = await call("GET", "/md/v2/Securities", { query: { limit: 25, offset } });
      expect(page.status).toBe(200);
      pages.push(page.body);
      if (page.body.length < 25) break;
    }
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const all = pages.flat();
    const baseBoards = ALOR_SIM_SECURITIES.filter((s) => s.board === s.primary_board);
    expect(all).toHaveLength(baseBoards.length);
    expect(new Set(all.map((s) => `${s.symbol}/${s.board}`)).size).toBe(all.length);
    const ratings = all.map((s) => s.rating);
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
    expect(firstPage.body).toEqual(pages[0]);
  });

  it("honours query, exchange, sector, cficode, instrumentGroup and includeNonBaseBoards", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const search = async (query: CallOptions["query"]) =>
      ((await call("GET", "/md/v2/Securities", { query: { limit: 100, ...query } })).body as Json[]).map(
        (s) => `${s.exchange}:${s.symbol}:${s.board}`,
      );
    expect(await search({ query: "sber" })).toEqual(["MOEX:SBER:TQBR", "MOEX:SBERP:TQBR"]);
    expect(await search({ query: "sber", includeNonBaseBoards: true })).toContain("MOEX:SBER:SMAL");
    expect((await search({ exchange: "SPBX" })).every((s) => s.startsWith("SPBX:"))).toBe(true);
    expect(await search({ sector: "FORTS" })).toHaveLength(6);
    expect((await search({ cficode: "FF" })).every((s) => s.endsWith(":RFUD"))).toBe(true);
    expect(await search({ instrumentGroup: "CETS" })).toHaveLength(3);
    expect(await search({ query: "no-such-ticker" })).toEqual([]);
  });

  it("rejects bad paging and filter values with a 400 naming the parameter", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    expect((await call("GET", "/md/v2/Securities", { query: { limit: 0 } })).body.message).toMatch(/'limit'/);
    expect((await call("GET", "/md/v2/Securities", { query: { offset: "x" } })).body.message).toMatch(/'offset'/);
    expect((await call("GET", "/md/v2/Securities", { query: { sector: "BONDS" } })).status).toBe(400);
  });

  it("returns one security, 404 for an unknown one", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const sber = await call("GET", "/md/v2/Securities/MOEX/SBER");
    expect(sber.body).toMatchObject({ symbol: "SBER", exchange: "MOEX", board: "TQBR", lotsize: 10, minstep: 0.01 });
    expect((await call("GET", "/md/v2/Securities/MOEX/NOPE")).status).toBe(404);
    expect((await call("GET", "/md/v2/Securities/NYSE/SBER")).status).toBe(400);
  });
});

describe("market data", () => {
  it("serves quotes, order books, candles, trades, status and time in ALOR's shapes", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const quotes = await call("GET", `/md/v2/Securities/${encodeURIComponent("MOEX:SBER,MOEX:GAZP")}/quotes`);
    expect(quotes.body.map((q: Json) => q.symbol)).toEqual(["SBER", "GAZP"]);
    expect(quotes.body[0].bid).toBeLessThan(quotes.body[0].ask);

    const book = await call("GET", "/md/v2/orderbooks/MOEX/SBER", { query: { depth: 5 } });
    expect(book.body.bids).toHaveLength(5);
    expect(book.body.asks[0].price).toBeGreaterThan(book.body.bids[0].price);
    expect((await call("GET", "/md/v2/orderbooks/MOEX/SBER", { query: { depth: 51 } })).status).toBe(400);

    const to = Math.floor(Date.now() / 1000);
    const candles = await call("GET", "/md/v2/history", {
      query: { symbol: "SBER", exchange: "MOEX", tf: 3600, from: to - 86_400, to },
    });
    expect(candles.body.history.length).toBeGreaterThanOrEqual(24);
    expect(candles.body.history.length).toBeLessThanOrEqual(25);
    const c = candles.body.history[0];
    expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
    expect(
      (await call("GET", "/md/v2/history", { query: { symbol: "SBER", exchange: "MOEX", tf: 60, from: 0, to } }))
        .status,
    ).toBe(400);

    const trades = await call("GET", "/md/v2/Securities/MOEX/SBER/alltrades", {
      query: { take: 10, descending: true },
    });
    expect(trades.body).toHaveLength(10);
    expect(trades.body[0].id).toBeGreaterThan(trades.body[9].id);
    const history = await call("GET", "/md/v2/Securities/MOEX/SBER/alltrades/history", {
      query: { limit: 50, offset: 10 },
    });
    expect(history.body.total).toBeGreaterThan(60);
    expect(history.body.list).toHaveLength(50);
    expect((await call("GET", "/md/v2/Securities/MOEX/SBER/alltrades/history")).status).toBe(400);

    expect((await call("GET", "/md/status/MOEX/FOND")).body).toEqual({ code: "FOND", status: "open" });
    const time = (await call("GET", "/md/v2/time")).body;
    expect(Math.abs(time - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe("portfolio and orders", () => {
  it("reports positions, summary and risk, and market fills move them", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const before = await call("GET", "/md/v2/Clients/MOEX/D39004/positions/SBER");
    expect(before.body).toMatchObject({ symbol: "SBER", qtyUnits: 100, qtyBatch: 10, portfolio: "D39004" });
    const placed = await call("POST", `${ORDERS}/actions/market`, {
      body: {
        side: "buy",
        quantity: 3,
        instrument: { symbol: "SBER", exchange: "MOEX" },
        user: { portfolio: "D39004" },
      },
      headers: { "X-REQID": "m-1" },
    });
    const order = await call("GET", `/md/v2/Clients/MOEX/D39004/orders/${placed.body.orderNumber}`);
    expect(order.body).toMatchObject({ type: "market", status: "filled", filledQtyBatch: 3 });
    expect((await call("GET", "/md/v2/Clients/MOEX/D39004/positions/SBER")).body.qtyUnits).toBe(130);
    const trades = await call("GET", "/md/v2/Clients/MOEX/D39004/trades");
    expect(trades.body).toEqual([
      expect.objectContaining({ orderno: placed.body.orderNumber, qtyUnits: 30, side: "buy" }),
    ]);
    const positions = await call("GET", "/md/v2/Clients/MOEX/D39004/positions", { query: { withoutCurrency: true } });
    expect(positions.body.some((p: Json) => p.isCurrency)).toBe(false);
    const everything = await call("GET", `/md/v2/Clients/${sim.user.login}/positions`);
    expect(new Set(everything.body.map((p: Json) => p.portfolio))).toEqual(new Set(["D39004", "7500GHC"]));
    expect((await call("GET", "/md/v2/Clients/MOEX/D39004/summary")).body.buyingPower).toBeGreaterThan(0);
    expect((await call("GET", "/md/v2/Clients/MOEX/D39004/risk")).body).toMatchObject({
      portfolio: "D39004",
      riskStatus: "Ok",
    });
    expect((await call("GET", "/md/v2/Clients/MOEX/D99999/summary")).status).toBe(403);
  });

  it("modifies a limit order by replacing it, and cancels one order", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const placed = await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder(), headers: { "X-REQID": "l-1" } });
    const changed = await call("PUT", `${ORDERS}/actions/limit/${placed.body.orderNumber}`, {
      body: limitOrder({ price: 299.5 }),
      headers: { "X-REQID": "l-2" },
    });
    expect(changed.body.orderNumber).not.toBe(placed.body.orderNumber);
    const orders = (await call("GET", "/md/v2/Clients/MOEX/D39004/orders")).body as Json[];
    expect(orders.map((o) => [o.id, o.status, o.price])).toEqual([
      [placed.body.orderNumber, "canceled", 300],
      [changed.body.orderNumber, "working", 299.5],
    ]);
    const query = { portfolio: "D39004", exchange: "MOEX", stop: false };
    const cancelled = await call("DELETE", `${ORDERS}/${changed.body.orderNumber}`, { query });
    expect(cancelled).toMatchObject({ status: 200, body: "success" });
    const again = await call("DELETE", `${ORDERS}/${changed.body.orderNumber}`, { query });
    expect(again).toMatchObject({ status: 400, body: { code: "OrderToCancelNotFound" } });
    const offLimits = await call("POST", `${ORDERS}/actions/limit`, {
      body: limitOrder({ price: 1 }),
      headers: { "X-REQID": "l-3" },
    });
    expect(offLimits.body.message).toMatch(/price 1 is outside SBER's limits/);
  });

  it("places stop and stop-limit orders and cancels everything with one request", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    for (const [i, price] of [300, 299, 298].entries()) {
      await call("POST", `${ORDERS}/actions/limit`, { body: limitOrder({ price }), headers: { "X-REQID": `a-${i}` } });
    }
    const stop = {
      side: "sell",
      condition: "less",
      triggerPrice: 280,
      quantity: 1,
      instrument: { symbol: "SBER", exchange: "MOEX" },
      user: { portfolio: "D39004" },
    };
    expect((await call("POST", `${ORDERS}/actions/stop`, { body: stop, headers: { "X-REQID": "s-1" } })).status).toBe(
      200,
    );
    const stopLimit = await call("POST", `${ORDERS}/actions/stopLimit`, {
      body: { ...stop, price: 279 },
      headers: { "X-REQID": "s-2" },
    });
    expect(stopLimit.status).toBe(200);
    const stops = (await call("GET", "/md/v2/Clients/MOEX/D39004/stoporders")).body as Json[];
    expect(stops.map((s) => s.type)).toEqual(["stop", "stoplimit"]);
    expect(
      (await call("GET", `/md/v2/Clients/MOEX/D39004/stoporders/${stopLimit.body.orderNumber}`)).body.stopPrice,
    ).toBe(280);

    const all = await call("DELETE", `${ORDERS}/all`, { query: { portfolio: "D39004", exchange: "MOEX" } });
    expect(all).toMatchObject({ status: 200, body: "success" });
    expect(sim.orders.every((o) => o.status === "canceled")).toBe(true);
    expect(sim.orders).toHaveLength(5);
    const nothingLeft = await call("DELETE", `${ORDERS}/all`, { query: { portfolio: "D39004", exchange: "MOEX" } });
    expect(nothingLeft).toMatchObject({ status: 400, body: { code: "OrderToCancelNotFound" } });
  });

  it("names the body field at fault", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const post = (body: unknown) =>
      call("POST", `${ORDERS}/actions/limit`, { body, headers: { "X-REQID": crypto.randomUUID() } });
    expect((await post(limitOrder({ side: "hold" }))).body.message).toMatch(/'side' must be one of buy, sell/);
    expect((await post(limitOrder({ quantity: 1.5 }))).body.message).toMatch(/'quantity' must be an integer/);
    expect((await post(limitOrder({ instrument: { exchange: "MOEX" } }))).body.message).toMatch(
      /'instrument.symbol' is required/,
    );
    expect((await post(limitOrder({ user: { portfolio: "X1" } }))).status).toBe(403);
    expect(sim.counters.ordersCreated).toBe(0);
  });
});

describe("order groups", () => {
  async function twoOrders(call: Awaited<ReturnType<typeof connect>>) {
    const ids: string[] = [];
    for (const price of [300, 299]) {
      const res = await call("POST", `${ORDERS}/actions/limit`, {
        body: limitOrder({ price }),
        headers: { "X-REQID": `g-${price}` },
      });
      ids.push(res.body.orderNumber);
    }
    return ids;
  }

  it("creates, lists and reads a group; cancelling a member ends it and cancels the rest (OnExecuteOrCancel)", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const [a, b] = await twoOrders(call);
    const members = [a, b].map((orderId) => ({ portfolio: "D39004", exchange: "MOEX", orderId, type: "Limit" }));
    const created = await call("POST", "/commandapi/api/orderGroups", {
      body: { orders: members, executionPolicy: "OnExecuteOrCancel" },
    });
    expect(created.body).toEqual({ message: "success", groupId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const listed = await call("GET", "/commandapi/api/orderGroups");
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: created.body.groupId,
        login: "P039004",
        status: "Active",
        orders: [{ orderId: a }, { orderId: b }],
      }),
    ]);
    await call("DELETE", `${ORDERS}/${a}`, { query: { portfolio: "D39004", exchange: "MOEX", stop: false } });
    const group = await call("GET", `/commandapi/api/orderGroups/${created.body.groupId}`);
    expect(group.body).toMatchObject({ status: "Canceled", closedAt: expect.any(String) });
    expect(sim.orders.map((o) => o.status)).toEqual(["canceled", "canceled"]);
  });

  it("keeps the group when a member is cancelled under IgnoreCancel, and cancels a group on request", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const [a, b] = await twoOrders(call);
    const members = [a, b].map((orderId) => ({ portfolio: "D39004", exchange: "MOEX", orderId, type: "Limit" }));
    const { body } = await call("POST", "/commandapi/api/orderGroups", {
      body: { orders: members, executionPolicy: "IgnoreCancel" },
    });
    await call("DELETE", `${ORDERS}/${a}`, { query: { portfolio: "D39004", exchange: "MOEX", stop: false } });
    const group = await call("GET", `/commandapi/api/orderGroups/${body.groupId}`);
    expect(group.body).toMatchObject({ status: "Active", orders: [{ orderId: b }] });
    expect(await call("DELETE", `/commandapi/api/orderGroups/${body.groupId}`)).toMatchObject({
      status: 200,
      body: "success",
    });
    expect((await call("GET", `/commandapi/api/orderGroups/${body.groupId}`)).body.status).toBe("Canceled");
    expect(sim.orders.map((o) => o.status)).toEqual(["canceled", "working"]);
  });

  it("refuses groups of unknown orders, foreign portfolios and malformed brackets", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    const [a] = await twoOrders(call);
    const group = (orders: unknown[], executionPolicy = "OnExecuteOrCancel") =>
      call("POST", "/commandapi/api/orderGroups", { body: { orders, executionPolicy } });
    const unknown = await group([{ portfolio: "D39004", exchange: "MOEX", orderId: "1", type: "Limit" }]);
    expect(unknown).toMatchObject({
      status: 400,
      body: { title: "BadRequest", detail: expect.stringMatching(/order 1/) },
    });
    const foreign = await group([{ portfolio: "D00001", exchange: "MOEX", orderId: a, type: "Limit" }]);
    expect(foreign.body.detail).toMatch(/not owned by the user/);
    const bracket = await group(
      [{ portfolio: "D39004", exchange: "MOEX", orderId: a, type: "Limit" }],
      "TriggerBracketOrders",
    );
    expect(bracket.body.detail).toMatch(/exactly one limit order and at least one stop/);
    expect((await call("GET", "/commandapi/api/orderGroups")).body).toEqual([]);
  });
});

describe("routing", () => {
  it("counts requests per operation and answers unknown routes 404", async () => {
    const sim = await simulator();
    const call = await connect(sim);
    await call("GET", "/md/v2/Securities");
    await call("GET", "/md/v2/securities");
    expect(sim.counters.requests.searchSecurities).toBe(2);
    expect(sim.counters.requests.exchangeRefreshToken).toBe(1);
    expect((await call("GET", "/md/v3/nothing")).status).toBe(404);
    expect((await call("POST", "/md/v2/time")).status).toBe(405);
    expect(sim.arrivals.length).toBe(5);
  });
});
