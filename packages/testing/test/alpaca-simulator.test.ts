/**
 * The Alpaca simulator, driven with plain fetch the way a client would drive Alpaca: authenticate each way,
 * run into the quota, reuse a client_order_id, call the retired /v2/clock, page through market data,
 * follow SSE streams that drop mid-way and resume by id, and lose a response after the order was placed.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  type AlpacaSimulator,
  type AlpacaSimulatorOptions,
  isUlid,
  startAlpacaSimulator,
} from "../src/alpaca/index.js";

let sim: AlpacaSimulator | undefined;

async function start(options: AlpacaSimulatorOptions = {}): Promise<AlpacaSimulator> {
  sim = await startAlpacaSimulator(options);
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const keyHeaders = (s: AlpacaSimulator) => ({
  "APCA-API-KEY-ID": s.credentials.keyId,
  "APCA-API-SECRET-KEY": s.credentials.secretKey,
});
const basicHeader = (s: AlpacaSimulator) => ({
  authorization: `Basic ${Buffer.from(`${s.credentials.brokerKey}:${s.credentials.brokerSecret}`).toString("base64")}`,
});

async function call(s: AlpacaSimulator, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(s.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const order = (extra: Record<string, unknown> = {}) => ({
  symbol: "AAPL",
  qty: "1",
  side: "buy",
  type: "limit",
  limit_price: "150",
  time_in_force: "day",
  ...extra,
});

/** Reads an SSE response: `data:` frames as JSON, comments, and how the stream ended. Bounded by a deadline. */
async function readEvents(
  response: Response,
  options: { until?: (events: Record<string, unknown>[]) => boolean; timeoutMs?: number } = {},
): Promise<{
  events: Record<string, unknown>[];
  ids: string[];
  comments: string[];
  ended: "closed" | "dropped" | "stopped";
}> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: Record<string, unknown>[] = [];
  const ids: string[] = [];
  const comments: string[] = [];
  let buffer = "";
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (Date.now() < deadline) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      return { events, ids, comments, ended: "dropped" };
    }
    if (chunk.done) return { events, ids, comments, ended: "closed" };
    buffer += decoder.decode(chunk.value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      for (const line of buffer.slice(0, end).split("\n")) {
        if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)));
        else if (line.startsWith("id: ")) ids.push(line.slice(4));
        else if (line.startsWith(":")) comments.push(line);
      }
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
    if (options.until?.(events)) {
      await reader.cancel();
      return { events, ids, comments, ended: "stopped" };
    }
  }
  await reader.cancel();
  throw new Error(`SSE read timed out with ${events.length} events`);
}

const today = () => new Date().toISOString().slice(0, 10);

describe("authentication", () => {
  it("accepts the key pair and an OAuth token on the Trading API and rejects the rest with Alpaca's error body", async () => {
    const s = await start();
    const ok = await call(s, "GET", "/v2/account", keyHeaders(s));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: s.tradingAccountId, status: "ACTIVE", currency: "USD" });

    const oauth = await call(s, "GET", "/v2/account", { authorization: `Bearer ${s.credentials.oauthToken}` });
    expect(oauth.status).toBe(200);

    const missing = await call(s, "GET", "/v2/account", {});
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ code: 40110000, message: expect.stringContaining("not authorized") });

    const unknownKey = await call(s, "GET", "/v2/account", {
      "APCA-API-KEY-ID": "PKUNKNOWN",
      "APCA-API-SECRET-KEY": "x",
    });
    expect(unknownKey.status).toBe(401);

    const wrongSecret = await call(s, "GET", "/v2/account", {
      ...keyHeaders(s),
      "APCA-API-SECRET-KEY": "wrong-secret",
    });
    expect(wrongSecret.status).toBe(403);
    expect(wrongSecret.body.code).toBe(40310000);
    expect(JSON.stringify(wrongSecret.body)).not.toContain(s.credentials.secretKey);

    const badToken = await call(s, "GET", "/v2/account", { authorization: "Bearer not-a-token" });
    expect(badToken.status).toBe(401);
    expect(s.counters.unauthorized).toBe(4);
  });

  it("takes HTTP Basic on the Broker API but not Trading keys", async () => {
    const s = await start();
    const basic = await call(s, "GET", "/v1/accounts", basicHeader(s));
    expect(basic.status).toBe(200);
    expect(basic.body.map((a: { id: string }) => a.id)).toEqual([s.brokerAccountId]);

    const wrong = await call(s, "GET", "/v1/accounts", {
      authorization: `Basic ${Buffer.from(`${s.credentials.brokerKey}:nope`).toString("base64")}`,
    });
    expect(wrong.status).toBe(401);
    expect((await call(s, "GET", "/v1/accounts", keyHeaders(s))).status).toBe(401);
    expect((await call(s, "GET", "/v2/account", basicHeader(s))).status).toBe(401);
  });

  it("issues client-credentials tokens that work on the Broker API until they expire", async () => {
    const s = await start({ tokenTtlSeconds: 120 });
    const form = (secret: string) =>
      fetch(`${s.url}/v1/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: s.credentials.brokerKey,
          client_secret: secret,
        }),
      });

    const refused = await form("wrong");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: "invalid_client" });

    const issued = await form(s.credentials.brokerSecret);
    expect(issued.status).toBe(200);
    const token = (await issued.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: 120 });
    expect(s.counters).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });

    const bearer = { authorization: `Bearer ${token.access_token}` };
    expect((await call(s, "GET", `/v1/accounts/${s.brokerAccountId}`, bearer)).status).toBe(200);
    // A broker token is no Trading API credential.
    expect((await call(s, "GET", "/v2/account", bearer)).status).toBe(401);

    s.expireTokens();
    const expired = await call(s, "GET", `/v1/accounts/${s.brokerAccountId}`, bearer);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toContain("expired");
  });

  it("serves crypto data without credentials", async () => {
    const s = await start();
    const quotes = await call(s, "GET", "/v1beta3/crypto/us/latest/quotes?symbols=BTC/USD,ETH/USD", {});
    expect(quotes.status).toBe(200);
    expect(Object.keys(quotes.body.quotes)).toEqual(["BTC/USD", "ETH/USD"]);
    expect((await call(s, "GET", "/v2/stocks/AAPL/quotes/latest", {})).status).toBe(401);
  });
});

describe("rate limit", () => {
  it("reports the quota on every answer and answers 429 past it, per account", async () => {
    // A window long enough that five local requests fit in it even on a loaded machine.
    const windowMs = 2_500;
    const s = await start({
      rateLimit: { limit: 5, windowMs },
      keys: [
        { keyId: "PKFIRST", secretKey: "first-secret" },
        { keyId: "PKSECOND", secretKey: "second-secret" },
      ],
    });
    const first = { "APCA-API-KEY-ID": "PKFIRST", "APCA-API-SECRET-KEY": "first-secret" };
    const startedAt = Date.now();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(s, "GET", "/v2/clock", first); // any answer counts, even 410
      expect(r.headers.get("x-ratelimit-limit")).toBe("5");
      remaining.push(r.headers.get("x-ratelimit-remaining") as string);
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);

    const limited = await call(s, "GET", "/v2/account", first);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 42910000, message: "rate limit exceeded" });
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    const reset = Number(limited.headers.get("x-ratelimit-reset"));
    // Unix epoch seconds, no earlier than the window's end.
    expect(reset * 1000).toBeGreaterThanOrEqual(startedAt + windowMs);
    expect(reset * 1000).toBeLessThanOrEqual(Date.now() + windowMs + 1_000);
    expect(s.counters.rateLimited).toBe(1);

    // Another account has its own quota.
    const second = await call(s, "GET", "/v2/account", {
      "APCA-API-KEY-ID": "PKSECOND",
      "APCA-API-SECRET-KEY": "second-secret",
    });
    expect(second.status).toBe(200);
    expect(second.headers.get("x-ratelimit-remaining")).toBe("4");

    // After the reset time the quota is back.
    while (Date.now() < reset * 1000) await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await call(s, "GET", "/v2/account", first);
    expect(again.status).toBe(200);
    expect(again.headers.get("x-ratelimit-remaining")).toBe("4");
  });
});

describe("orders", () => {
  it("rejects a reused client_order_id with 422 instead of replaying", async () => {
    const s = await start();
    const created = await call(s, "POST", "/v2/orders", keyHeaders(s), order({ client_order_id: "my-order-1" }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      client_order_id: "my-order-1",
      status: "new",
      symbol: "AAPL",
      limit_price: "150",
    });

    const reused = await call(
      s,
      "POST",
      "/v2/orders",
      keyHeaders(s),
      order({ client_order_id: "my-order-1", qty: "2" }),
    );
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({ code: 40010001, message: "client_order_id must be unique" });
    expect(s.orders()).toHaveLength(1);
    expect(s.counters.ordersCreated).toBe(1);

    const found = await call(s, "GET", "/v2/orders:by_client_order_id?client_order_id=my-order-1", keyHeaders(s));
    expect(found.body.id).toBe(created.body.id);
    const missing = await call(s, "GET", "/v2/orders:by_client_order_id?client_order_id=nope", keyHeaders(s));
    expect(missing.status).toBe(404);
  });

  it("validates, fills market orders, replaces and cancels", async () => {
    const s = await start();
    const h = keyHeaders(s);
    const invalid = await call(s, "POST", "/v2/orders", h, {
      symbol: "AAPL",
      qty: "1",
      side: "buy",
      time_in_force: "day",
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toContain("type");

    const market = await call(s, "POST", "/v2/orders", h, order({ type: "market", limit_price: undefined, qty: "3" }));
    expect(market.body).toMatchObject({ status: "filled", filled_qty: "3", filled_avg_price: "189.5" });
    const position = await call(s, "GET", "/v2/positions/AAPL", h);
    expect(position.body).toMatchObject({ symbol: "AAPL", qty: "3", side: "long" });

    const resting = await call(s, "POST", "/v2/orders", h, order());
    const replaced = await call(s, "PATCH", `/v2/orders/${resting.body.id}`, h, { limit_price: "151" });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ replaces: resting.body.id, limit_price: "151", status: "new" });
    const old = await call(s, "GET", `/v2/orders/${resting.body.id}`, h);
    expect(old.body).toMatchObject({ status: "replaced", replaced_by: replaced.body.id });

    expect((await call(s, "DELETE", `/v2/orders/${replaced.body.id}`, h)).status).toBe(204);
    const twice = await call(s, "DELETE", `/v2/orders/${replaced.body.id}`, h);
    expect(twice.status).toBe(422);
    expect((await call(s, "GET", "/v2/orders?status=open", h)).body).toEqual([]);

    const closed = await call(s, "DELETE", "/v2/positions/AAPL", h);
    expect(closed.body).toMatchObject({ side: "sell", qty: "3", status: "filled" });
    expect((await call(s, "GET", "/v2/positions", h)).body).toEqual([]);
    const fills = await call(s, "GET", "/v2/account/activities/FILL", h);
    expect(fills.body).toHaveLength(2);
  });

  it("performs a dropped order, then loses the answer: the order exists exactly once", async () => {
    const s = await start();
    s.dropNextResponse({ method: "POST", path: "/v2/orders" });
    await expect(
      fetch(`${s.url}/v2/orders`, {
        method: "POST",
        headers: { ...keyHeaders(s), "content-type": "application/json" },
        body: JSON.stringify(order({ client_order_id: "dropped-1" })),
      }),
    ).rejects.toThrow();
    expect(s.counters.droppedResponses).toBe(1);
    expect(s.orders().map((o) => o.client_order_id)).toEqual(["dropped-1"]);

    const lookup = await call(s, "GET", "/v2/orders:by_client_order_id?client_order_id=dropped-1", keyHeaders(s));
    expect(lookup.status).toBe(200);
    const resubmit = await call(s, "POST", "/v2/orders", keyHeaders(s), order({ client_order_id: "dropped-1" }));
    expect(resubmit.status).toBe(422);
    expect(s.orders()).toHaveLength(1);
  });

  it("trades for a broker customer account, and only the partner's own", async () => {
    const s = await start();
    const path = `/v1/trading/accounts/${s.brokerAccountId}/orders`;
    const created = await call(s, "POST", path, basicHeader(s), order({ client_order_id: "b-1" }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ client_order_id: "b-1", commission: "0" });
    expect((await call(s, "POST", path, basicHeader(s), order({ client_order_id: "b-1" }))).status).toBe(422);
    expect((await call(s, "GET", path, basicHeader(s))).body).toHaveLength(1);
    const foreign = await call(s, "GET", `/v1/trading/accounts/${s.tradingAccountId}/orders`, basicHeader(s));
    expect(foreign.status).toBe(404);
  });
});

describe("versioned routes", () => {
  it("retires /v2/clock (410 by default, 404 or available on request) while /v3/clock works", async () => {
    const s = await start();
    const gone = await call(s, "GET", "/v2/clock", keyHeaders(s));
    expect(gone.status).toBe(410);
    expect(gone.body.message).toContain("/v3/clock");

    const v3 = await call(s, "GET", "/v3/clock?markets=NYSE,NASDAQ", keyHeaders(s));
    expect(v3.status).toBe(200);
    expect(v3.body.clocks).toHaveLength(2);
    expect(v3.body.clocks[0]).toMatchObject({ market: { acronym: "NYSE", timezone: "America/New_York" } });
    expect(["closed", "pre", "core", "post"]).toContain(v3.body.clocks[0].phase);

    s.setLegacyClock("not-found");
    expect((await call(s, "GET", "/v2/clock", keyHeaders(s))).status).toBe(404);
    s.setLegacyClock("available");
    const legacy = await call(s, "GET", "/v2/clock", keyHeaders(s));
    expect(Object.keys(legacy.body).sort()).toEqual(["is_open", "next_close", "next_open", "timestamp"]);
    expect(legacy.body.is_open).toBe(v3.body.clocks[0].phase === "core");
  });

  it("answers both calendar versions in their own shapes", async () => {
    const s = await start();
    const v2 = await call(s, "GET", "/v2/calendar?start=2024-03-08&end=2024-03-12", keyHeaders(s));
    expect(v2.body.map((d: { date: string }) => d.date)).toEqual(["2024-03-08", "2024-03-11", "2024-03-12"]);
    expect(v2.body[0]).toMatchObject({
      open: "09:30",
      close: "16:00",
      session_open: "0400",
      settlement_date: "2024-03-11",
    });
    const v3 = await call(s, "GET", "/v3/calendar/NYSE?start=2024-03-08&end=2024-03-11", keyHeaders(s));
    // Across the DST switch of 2024-03-10 the offset changes from -05:00 to -04:00.
    expect(v3.body.calendar.map((d: { core_start: string }) => d.core_start)).toEqual([
      "2024-03-08T09:30:00-05:00",
      "2024-03-11T09:30:00-04:00",
    ]);
  });
});

describe("market data", () => {
  it("pages bars and news with next_page_token until it is null", async () => {
    const s = await start({ marketData: { pointsPerSymbol: 25, newsArticles: 30 } });
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ symbols: "AAPL,MSFT", timeframe: "1Min", limit: "10" });
      if (token) query.set("page_token", token);
      const page = await call(s, "GET", `/v2/stocks/bars?${query}`, keyHeaders(s));
      expect(page.status).toBe(200);
      for (const [symbol, bars] of Object.entries(page.body.bars as Record<string, { t: string }[]>)) {
        for (const bar of bars) seen.push(`${symbol}@${bar.t}`);
      }
      token = page.body.next_page_token;
      pages++;
    } while (token && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);

    const newsIds: number[] = [];
    token = null;
    pages = 0;
    do {
      const page = await call(s, "GET", `/v1beta1/news?limit=12${token ? `&page_token=${token}` : ""}`, keyHeaders(s));
      newsIds.push(...page.body.news.map((n: { id: number }) => n.id));
      token = page.body.next_page_token;
      pages++;
    } while (token && pages < 20);
    expect(pages).toBe(3);
    expect(newsIds).toHaveLength(30);
    expect([...newsIds].sort((a, b) => b - a)).toEqual(newsIds);

    const badToken = await call(s, "GET", "/v1beta1/news?page_token=garbage", keyHeaders(s));
    expect(badToken.status).toBe(400);
  });

  it("serves latest quotes and trades, snapshots and crypto bars", async () => {
    const s = await start();
    const h = keyHeaders(s);
    const latest = await call(s, "GET", "/v2/stocks/AAPL/trades/latest", h);
    expect(latest.body).toMatchObject({ symbol: "AAPL", trade: { x: "V", z: "C" } });
    const quotes = await call(s, "GET", "/v2/stocks/quotes/latest?symbols=AAPL,TSLA", h);
    expect(Object.keys(quotes.body.quotes)).toEqual(["AAPL", "TSLA"]);
    const snapshots = await call(s, "GET", "/v2/stocks/snapshots?symbols=AAPL,MSFT", h);
    expect(Object.keys(snapshots.body.AAPL).sort()).toEqual([
      "dailyBar",
      "latestQuote",
      "latestTrade",
      "minuteBar",
      "prevDailyBar",
    ]);
    const crypto = await call(s, "GET", "/v1beta3/crypto/us/bars?symbols=BTC/USD&timeframe=1Hour&limit=5", h);
    expect(crypto.body.bars["BTC/USD"]).toHaveLength(5);
    expect(crypto.body.next_page_token).toEqual(expect.any(String));
    expect((await call(s, "GET", "/v2/stocks/bars?symbols=AAPL&timeframe=7Days", h)).status).toBe(400);
  });
});

describe("SSE event streams", () => {
  it("cuts a v2 trade stream mid-way and resumes from since_id without losing or repeating an event", async () => {
    const s = await start({ sse: { heartbeatMs: 20 } });
    const auth = basicHeader(s);
    for (let i = 0; i < 6; i++) {
      await call(s, "POST", "/v2/orders", keyHeaders(s), order({ client_order_id: `sse-${i}` }));
    }
    s.forceDisconnectAfter(4, "/v2/events/trades");
    const first = await readEvents(await fetch(`${s.url}/v2/events/trades?since=${today()}`, { headers: auth }));
    expect(first.ended).toBe("dropped");
    expect(first.events).toHaveLength(4);
    expect(s.counters.sseForcedDisconnects).toBe(1);

    const lastId = first.events.at(-1)?.event_id as string;
    expect(isUlid(lastId)).toBe(true);
    const resumed = await fetch(`${s.url}/v2/events/trades?since_id=${lastId}`, { headers: auth });
    expect(resumed.headers.get("content-type")).toBe("text/event-stream");
    expect(resumed.headers.get("x-ratelimit-limit")).toBe("200");
    // A live event arrives after the replayed ones.
    setTimeout(() => void call(s, "POST", "/v2/orders", keyHeaders(s), order({ client_order_id: "sse-live" })), 50);
    const second = await readEvents(resumed, { until: (events) => events.length >= 3 });

    const all = [...first.events, ...second.events];
    const ids = all.map((e) => e.event_id as string);
    expect(new Set(ids).size).toBe(7);
    expect([...ids].sort()).toEqual(ids);
    expect(all.map((e) => (e.order as { client_order_id: string }).client_order_id)).toEqual([
      "sse-0",
      "sse-1",
      "sse-2",
      "sse-3",
      "sse-4",
      "sse-5",
      "sse-live",
    ]);
    expect(second.comments).toContain(": heartbeat");
  });

  it("numbers legacy v1 trade events with integers and ends the stream at until_id", async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) await call(s, "POST", "/v2/orders", keyHeaders(s), order());
    const bounded = await readEvents(
      await fetch(`${s.url}/v1/events/trades?since_id=1&until_id=4`, { headers: basicHeader(s) }),
    );
    expect(bounded.ended).toBe("closed");
    expect(bounded.events.map((e) => e.event_id)).toEqual([2, 3, 4]);
    expect(bounded.events.every((e) => isUlid(e.event_ulid as string))).toBe(true);

    const byUlid = await readEvents(
      await fetch(
        `${s.url}/v1/events/trades?since_ulid=${bounded.events[0]?.event_ulid}&until_ulid=${bounded.events[2]?.event_ulid}`,
        {
          headers: basicHeader(s),
        },
      ),
    );
    expect(byUlid.events.map((e) => e.event_id)).toEqual([3, 4]);

    const mixed = await call(s, "GET", `/v1/events/trades?since=${today()}&since_id=1`, basicHeader(s));
    expect(mixed.status).toBe(400);
    s.setLegacyTradeEvents("gone");
    expect((await call(s, "GET", "/v1/events/trades?since_id=1", basicHeader(s))).status).toBe(410);
  });

  it("streams account status changes of a newly opened account", async () => {
    const s = await start({ sse: { idLines: true } });
    const created = await call(s, "POST", "/v1/accounts", basicHeader(s), {
      contact: {
        email_address: "grace@example.test",
        phone_number: "+15555550123",
        street_address: ["1 Main St"],
        city: "Arlington",
      },
      identity: {
        given_name: "Grace",
        family_name: "Hopper",
        date_of_birth: "1990-12-09",
        tax_id_type: "USA_SSN",
        country_of_tax_residence: "USA",
        funding_source: ["employment_income"],
      },
      disclosures: {
        is_control_person: false,
        is_affiliated_exchange_or_finra: false,
        is_politically_exposed: false,
        immediate_family_exposed: false,
      },
      agreements: [{ agreement: "customer_agreement", signed_at: "2024-01-02T15:04:05Z", ip_address: "127.0.0.1" }],
    });
    expect(created.status).toBe(200);
    expect(created.body.status).toBe("SUBMITTED");

    const stream = await readEvents(
      await fetch(`${s.url}/v1/events/accounts/status?since_id=0&until_id=3&id=${created.body.id}`, {
        headers: basicHeader(s),
      }),
    );
    expect(stream.ended).toBe("closed");
    expect(stream.events.map((e) => `${e.status_from}->${e.status_to}`)).toEqual([
      "ONBOARDING->SUBMITTED",
      "SUBMITTED->APPROVED",
      "APPROVED->ACTIVE",
    ]);
    expect(stream.ids).toEqual(["1", "2", "3"]);
    const duplicate = await call(s, "POST", "/v1/accounts", basicHeader(s), { contact: {} });
    expect(duplicate.status).toBe(422);
  });
});
