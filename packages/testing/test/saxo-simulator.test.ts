/**
 * The Saxo simulator, exercised with plain fetch the way a client would use Saxo: probe, log in, call,
 * and break each rule on purpose to see the failure Saxo would give.
 */
import { createHash, randomBytes } from "node:crypto";
import { type IncomingMessage, request } from "node:http";
import type { Duplex } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import {
  affinityCookieName,
  EDGE_COOKIE,
  type SaxoSimulator,
  type SaxoSimulatorOptions,
  startSaxoSimulator,
} from "../src/saxo/index.js";

/** A minimal cookie jar: name/value/path, enough for a test to act like a careful client. */
class Jar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const path = attributes.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      this.cookies.set(`${pair.slice(0, eq)}|${path}`, { value: pair.slice(eq + 1), path });
    }
  }

  header(url: string): string {
    const { pathname } = new URL(url);
    return [...this.cookies.entries()]
      .filter(([, c]) => pathname === c.path || pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .map(([key, c]) => `${key.split("|")[0]}=${c.value}`)
      .join("; ");
  }
}

let sim: SaxoSimulator | undefined;

async function start(options: SaxoSimulatorOptions = {}): Promise<SaxoSimulator> {
  sim = await startSaxoSimulator(options);
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function probe(s: SaxoSimulator, jar: Jar, service: string): Promise<Response> {
  const response = await fetch(`${s.servers.gateway}/${service}/isalive`);
  jar.store(response);
  await response.text();
  return response;
}

function call(
  s: SaxoSimulator,
  jar: Jar,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const url = `${s.servers.gateway}${path}`;
  return fetch(url, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${token}`,
      cookie: jar.header(url),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

const limitOrder = {
  AccountKey: "LZTc7DdejXODf-WSl2aCyQ==",
  Uic: 21,
  AssetType: "FxSpot",
  BuySell: "Buy",
  Amount: 100000,
  OrderType: "Limit",
  OrderPrice: 1.05,
  OrderDuration: { DurationType: "GoodTillCancel" },
  ManualOrder: false,
};

describe("load balancer stickiness", () => {
  it("isalive needs no token, answers text and sets the service's affinity cookie and the edge cookie", async () => {
    const s = await start();
    const response = await fetch(`${s.servers.gateway}/port/isalive`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("OK");
    const cookies = response.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith(`${affinityCookieName("port")}=`))).toMatch(/Path=\/sim\/openapi\/port;/);
    expect(cookies.find((c) => c.startsWith(`${EDGE_COOKIE}=`))).toMatch(/Path=\/;/);
    expect(s.counters.probes).toEqual({ port: 1 });
    expect(s.probes[0]).toMatchObject({ service: "port", overlapped: false });
  });

  it("without the cookies a request lands on a server that does not know the session; with them it sticks", async () => {
    const s = await start({ backendsPerService: 4 });
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();

    const lost = await call(s, jar, token, "/port/v1/accounts/me");
    expect(lost.status).toBe(503);
    expect(await lost.json()).toMatchObject({ ErrorCode: "SessionNotAvailable" });
    expect(s.counters.wrongBackend).toBe(1);

    await probe(s, jar, "port");
    const backends = new Set<string | null>();
    for (let i = 0; i < 5; i++) {
      const response = await call(s, jar, token, "/port/v1/accounts/me");
      expect(response.status).toBe(200);
      backends.add(response.headers.get("x-simulated-backend"));
      await response.json();
    }
    expect(backends).toEqual(new Set([s.probes[0]?.backend]));
    expect(s.counters.wrongBackend).toBe(1);
  });

  it("a cookie is per service, and the edge cookie must come back too", async () => {
    const s = await start();
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "trade");

    // A trade cookie does not pin port requests.
    const port = await fetch(`${s.servers.gateway}/port/v1/balances/me`, {
      headers: { authorization: `Bearer ${token}`, cookie: jar.header(`${s.servers.gateway}/trade/x`) },
    });
    expect(port.status).toBe(503);

    // The trade affinity cookie alone, without the edge cookie, is not enough.
    const onlyAffinity = jar
      .header(`${s.servers.gateway}/trade/v1/infoprices`)
      .split("; ")
      .filter((c) => !c.startsWith(`${EDGE_COOKIE}=`))
      .join("; ");
    const partial = await fetch(`${s.servers.gateway}/trade/v1/infoprices?Uic=21&AssetType=FxSpot`, {
      headers: { authorization: `Bearer ${token}`, cookie: onlyAffinity },
    });
    expect(partial.status).toBe(503);

    const full = await call(s, jar, token, "/trade/v1/infoprices?Uic=21&AssetType=FxSpot");
    expect(full.status).toBe(200);
    expect(s.counters.wrongBackend).toBe(2);
  });

  it("records overlapping probes of one service, and not sequential ones", async () => {
    const s = await start({ probeLatencyMs: 50 });
    const jar = new Jar();
    await probe(s, jar, "ref");
    await probe(s, jar, "ref");
    expect(s.counters.overlappingProbes).toBe(0);
    await Promise.all([probe(s, jar, "chart"), probe(s, jar, "chart")]);
    expect(s.counters.overlappingProbes).toBe(1);
    expect(s.probes.filter((p) => p.service === "chart").every((p) => p.overlapped)).toBe(true);
    expect(s.probes.filter((p) => p.service === "ref").some((p) => p.overlapped)).toBe(false);
  });

  it("affinity cookies expire after the configured time", async () => {
    const s = await start({ stickyCookieTtlMs: 1_000 });
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    const probed = await probe(s, jar, "ref");
    expect(probed.headers.getSetCookie()[0]).toMatch(/Max-Age=1;/);
    expect((await call(s, jar, token, "/ref/v1/instruments?Keywords=eur")).status).toBe(200);
    await delay(1_300);
    expect((await call(s, jar, token, "/ref/v1/instruments?Keywords=eur")).status).toBe(503);
  });

  it("expireStickiness makes the cookies a client holds lose the session until it probes again", async () => {
    const s = await start();
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "port");
    expect((await call(s, jar, token, "/port/v1/users/me")).status).toBe(200);
    s.expireStickiness();
    const lost = await call(s, jar, token, "/port/v1/users/me");
    expect(lost.status).toBe(503);
    expect(await lost.json()).toMatchObject({ ErrorCode: "SessionNotAvailable" });
    await probe(s, jar, "port");
    expect((await call(s, jar, token, "/port/v1/users/me")).status).toBe(200);
    expect(s.counters.wrongBackend).toBe(1);
  });

  it("uses the configured lost-session status", async () => {
    const s = await start({ lostSessionStatus: 409 });
    const { access_token: token } = s.issueTokens();
    expect((await call(s, new Jar(), token, "/port/v1/users/me")).status).toBe(409);
  });
});

describe("OAuth2", () => {
  function pkcePair() {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  }

  async function authorize(s: SaxoSimulator, extra: Record<string, string>): Promise<string> {
    const url = new URL(`${s.servers.logon}/authorize`);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: s.app.appKey,
      redirect_uri: s.app.redirectUri,
      state: "st-42",
      ...extra,
    }).toString();
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(s.app.redirectUri);
    expect(location.searchParams.get("state")).toBe("st-42");
    return location.searchParams.get("code") ?? "";
  }

  function token(s: SaxoSimulator, form: Record<string, string>): Promise<Response> {
    return fetch(`${s.servers.logon}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
  }

  it("exchanges a code with PKCE (S256) once, and checks the verifier", async () => {
    const s = await start();
    const { verifier, challenge } = pkcePair();
    const code = await authorize(s, { code_challenge: challenge, code_challenge_method: "S256" });
    const base = { grant_type: "authorization_code", code, redirect_uri: s.app.redirectUri, client_id: s.app.appKey };

    const wrong = await token(s, { ...base, code_verifier: pkcePair().verifier });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });

    const granted = await token(s, { ...base, code_verifier: verifier });
    expect(granted.status).toBe(200);
    const body = (await granted.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 1200, refresh_token_expires_in: 3600 });
    expect(typeof body.access_token).toBe("string");
    expect(typeof body.refresh_token).toBe("string");

    const reused = await token(s, { ...base, code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(JSON.stringify(await reused.json())).not.toContain(String(body.refresh_token));

    const jar = new Jar();
    await probe(s, jar, "port");
    expect((await call(s, jar, String(body.access_token), "/port/v1/users/me")).status).toBe(200);
    expect(s.counters).toMatchObject({ tokenRequests: 3, codeGrants: 1, rejectedTokenRequests: 2 });
  });

  it("requires the client secret for a code without PKCE, and the registered redirect URI", async () => {
    const s = await start();
    const code = await authorize(s, {});
    const base = { grant_type: "authorization_code", code, redirect_uri: s.app.redirectUri, client_id: s.app.appKey };
    expect((await token(s, base)).status).toBe(401);
    expect((await token(s, { ...base, client_secret: "wrong" })).status).toBe(401);
    expect((await token(s, { ...base, client_secret: s.app.appSecret })).status).toBe(200);

    const badRedirect = await fetch(
      `${s.servers.logon}/authorize?response_type=code&client_id=${s.app.appKey}&redirect_uri=http://evil.example/cb`,
      { redirect: "manual" },
    );
    expect(badRedirect.status).toBe(400);
  });

  it("rotates refresh tokens: each refresh returns a new one and the old one stops working", async () => {
    const s = await start();
    const first = s.issueTokens();
    const refresh = (refreshToken: string) =>
      token(s, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: s.app.appKey });

    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const rotated = (await second.json()) as { access_token: string; refresh_token: string };
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.access_token).not.toBe(first.access_token);

    const replayed = await refresh(first.refresh_token);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ error: "invalid_grant" });

    expect((await refresh(rotated.refresh_token)).status).toBe(200);
    expect(s.counters.refreshGrants).toBe(2);
  });

  it("answers 401 once the access token expires, and a refreshed token works again", async () => {
    const s = await start({ accessTokenTtlMs: 1_000 });
    const tokens = s.issueTokens();
    expect(tokens.expires_in).toBe(1);
    const jar = new Jar();
    await probe(s, jar, "port");
    expect((await call(s, jar, tokens.access_token, "/port/v1/balances/me")).status).toBe(200);
    await delay(1_300);
    const expired = await call(s, jar, tokens.access_token, "/port/v1/balances/me");
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain("invalid_token");

    const refreshed = await token(s, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: s.app.appKey,
    });
    const { access_token } = (await refreshed.json()) as { access_token: string };
    expect((await call(s, jar, access_token, "/port/v1/balances/me")).status).toBe(200);
    expect(s.counters.unauthorized).toBe(1);
  });

  it("expireAccessTokens makes current tokens fail with 401", async () => {
    const s = await start();
    const { access_token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "root");
    expect((await call(s, jar, access_token, "/root/v1/sessions/capabilities")).status).toBe(200);
    s.expireAccessTokens();
    expect((await call(s, jar, access_token, "/root/v1/sessions/capabilities")).status).toBe(401);
  });
});

describe("orders", () => {
  async function tradeSession(options: SaxoSimulatorOptions = {}) {
    const s = await start({ orderLimit: 100, ...options });
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "trade");
    await probe(s, jar, "port");
    return { s, token, jar };
  }

  it("rejects an identical order within the window with 409 unless x-request-id differs", async () => {
    const { s, token, jar } = await tradeSession({ duplicateWindowMs: 1_000 });
    const first = await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder });
    expect(first.status).toBe(200);
    const duplicate = await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ ErrorCode: "DuplicateOperation" });

    const withKeyA = await call(s, jar, token, "/trade/v2/orders", {
      method: "POST",
      body: limitOrder,
      headers: { "x-request-id": "order-a" },
    });
    const withKeyB = await call(s, jar, token, "/trade/v2/orders", {
      method: "POST",
      body: limitOrder,
      headers: { "x-request-id": "order-b" },
    });
    expect([withKeyA.status, withKeyB.status]).toEqual([200, 200]);
    expect(s.counters).toMatchObject({ ordersPlaced: 3, duplicateOrders: 1 });

    await delay(1_300);
    expect((await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder })).status).toBe(200);
    expect(s.counters.ordersPlaced).toBe(4);
  });

  it("answers a retry with the same x-request-id with the first result, placing the order once", async () => {
    const { s, token, jar } = await tradeSession();
    const headers = { "x-request-id": "retry-me" };
    const first = await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder, headers });
    const retry = await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder, headers });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(await first.json());
    expect(s.counters).toMatchObject({ ordersPlaced: 1, orderReplays: 1 });
    expect(s.orders).toHaveLength(1);
  });

  it("can answer a repeated x-request-id with 409 instead (repeatedRequestId: conflict)", async () => {
    const { s, token, jar } = await tradeSession({ repeatedRequestId: "conflict" });
    const headers = { "x-request-id": "k" };
    expect((await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder, headers })).status).toBe(
      200,
    );
    expect((await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder, headers })).status).toBe(
      409,
    );
  });

  it("dropNextResponse places the order, then destroys the connection; the keyed retry gets the result", async () => {
    const { s, token, jar } = await tradeSession();
    const dropped = s.dropNextResponse({ method: "POST", path: "/trade/v2/orders" });
    const headers = { "x-request-id": "dropped-once" };
    await expect(
      call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder, headers }),
    ).rejects.toThrow();
    expect(await dropped).toEqual({ method: "POST", path: "/trade/v2/orders", status: 200 });
    expect(s.orders).toHaveLength(1);

    const retry = await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder, headers });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ OrderId: s.orders[0]?.OrderId });
    expect(s.counters).toMatchObject({ ordersPlaced: 1, droppedResponses: 1, orderReplays: 1 });
  });

  it("places with related orders, lists working orders, modifies and cancels them", async () => {
    const { s, token, jar } = await tradeSession();
    const placed = await call(s, jar, token, "/trade/v2/orders", {
      method: "POST",
      body: {
        ...limitOrder,
        Orders: [
          {
            BuySell: "Sell",
            Amount: 100000,
            OrderType: "Limit",
            OrderPrice: 1.1,
            OrderDuration: { DurationType: "GoodTillCancel" },
          },
        ],
      },
    });
    const { OrderId, Orders } = (await placed.json()) as { OrderId: string; Orders: { OrderId: string }[] };
    expect(Orders).toHaveLength(1);

    const listed = (await (await call(s, jar, token, "/port/v1/orders/me")).json()) as { Data: { OrderId: string }[] };
    expect(listed.Data.map((o) => o.OrderId)).toEqual([OrderId, Orders[0]?.OrderId]);

    const modified = await call(s, jar, token, "/trade/v2/orders", {
      method: "PATCH",
      body: { AccountKey: limitOrder.AccountKey, AssetType: "FxSpot", OrderId, OrderPrice: 1.06, OrderType: "Limit" },
    });
    expect(modified.status).toBe(200);
    expect(s.orders[0]?.Price).toBe(1.06);

    const cancelled = await call(
      s,
      jar,
      token,
      `/trade/v2/orders/${OrderId},999?AccountKey=${encodeURIComponent(limitOrder.AccountKey)}`,
      { method: "DELETE" },
    );
    expect(await cancelled.json()).toEqual({
      Orders: [
        { OrderId },
        { OrderId: "999", ErrorInfo: { ErrorCode: "OrderNotFound", Message: "Order 999 was not found" } },
      ],
    });
    expect(s.orders[0]?.Status).toBe("Cancelled");
  });

  it("rejects malformed orders naming the fields, and unplaceable ones with ErrorInfo", async () => {
    const { s, token, jar } = await tradeSession();
    const malformed = await call(s, jar, token, "/trade/v2/orders", {
      method: "POST",
      body: { ...limitOrder, BuySell: "Hold", Amount: -1 },
    });
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as { ErrorCode: string; ModelState: Record<string, string[]> };
    expect(body.ErrorCode).toBe("InvalidModelState");
    expect(Object.keys(body.ModelState).sort()).toEqual(["Amount", "BuySell"]);

    const noPrice = await call(s, jar, token, "/trade/v2/orders", {
      method: "POST",
      body: { ...limitOrder, OrderPrice: undefined },
    });
    expect(await noPrice.json()).toMatchObject({ ErrorInfo: { ErrorCode: "PriceNotSpecified" } });
    expect(s.counters.ordersPlaced).toBe(0);
  });
});

describe("rate limits", () => {
  it("reports Session quota headers and answers 429 past the limit, per service group", async () => {
    const s = await start({ sessionRequestLimit: 3 });
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "port");
    await probe(s, jar, "ref");
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await call(s, jar, token, "/port/v1/users/me");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-ratelimit-session-limit")).toBe("3");
      remaining.push(response.headers.get("x-ratelimit-session-remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await call(s, jar, token, "/port/v1/users/me");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-session-remaining")).toBe("0");
    expect(Number(limited.headers.get("x-ratelimit-session-reset"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("x-ratelimit-session-reset"))).toBeLessThanOrEqual(60);
    expect(s.counters.rateLimited).toBe(1);

    // Another service group has its own quota.
    expect((await call(s, jar, token, "/ref/v1/instruments?Keywords=usd")).status).toBe(200);
  });

  it("allows one order operation per session per window, with SessionOrders headers", async () => {
    const s = await start({ orderWindowMs: 5_000 });
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "trade");
    const first = await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-sessionorders-limit")).toBe("1");
    expect(first.headers.get("x-ratelimit-sessionorders-remaining")).toBe("0");

    const second = await call(s, jar, token, "/trade/v2/orders", {
      method: "POST",
      body: limitOrder,
      headers: { "x-request-id": "another" },
    });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("x-ratelimit-sessionorders-reset"))).toBeGreaterThanOrEqual(1);
    expect(Number(second.headers.get("x-ratelimit-sessionorders-reset"))).toBeLessThanOrEqual(5);
    expect(s.counters.ordersPlaced).toBe(1);

    // Reads in the trade group are not order operations.
    expect((await call(s, jar, token, "/trade/v1/infoprices?Uic=21&AssetType=FxSpot")).status).toBe(200);
  });
});

describe("retired v1 routes", () => {
  it("answers v1 orders and charts as retired, naming the successor", async () => {
    const s = await start();
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "trade");
    const orders = await call(s, jar, token, "/trade/v1/orders", { method: "POST", body: limitOrder });
    expect(orders.status).toBe(410);
    expect(orders.headers.get("link")).toBe('</sim/openapi/trade/v2/orders>; rel="successor-version"');
    expect(await orders.json()).toMatchObject({ ErrorCode: "RouteRetired" });
    const cancel = await call(s, jar, token, "/trade/v1/orders/123?AccountKey=x", { method: "DELETE" });
    expect(cancel.headers.get("link")).toContain("/trade/v2/orders/123>");
    const charts = await call(s, jar, token, "/chart/v1/charts?Uic=21&AssetType=FxSpot&Horizon=60");
    expect(charts.status).toBe(410);
    expect(s.counters).toMatchObject({ retiredRouteHits: 3, ordersPlaced: 0 });
  });

  it("serves v1 with deprecation headers when retirement is off, as the same operation as v2", async () => {
    const s = await start({ retireV1Routes: false, orderLimit: 100 });
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    await probe(s, jar, "trade");
    await probe(s, jar, "chart");
    const chart = await call(s, jar, token, "/chart/v1/charts?Uic=21&AssetType=FxSpot&Horizon=60&Count=3");
    expect(chart.status).toBe(200);
    expect(chart.headers.get("deprecation")).toBe("true");
    expect(((await chart.json()) as { Data: unknown[] }).Data).toHaveLength(3);
    // v3 horizons are not v1 horizons.
    expect((await call(s, jar, token, "/chart/v1/charts?Uic=21&AssetType=FxSpot&Horizon=180")).status).toBe(400);

    expect((await call(s, jar, token, "/trade/v1/orders", { method: "POST", body: limitOrder })).status).toBe(200);
    expect((await call(s, jar, token, "/trade/v2/orders", { method: "POST", body: limitOrder })).status).toBe(409);

    s.setRetireV1Routes(true);
    expect((await call(s, jar, token, "/chart/v1/charts?Uic=21&AssetType=FxSpot&Horizon=60")).status).toBe(410);
  });
});

describe("bodies", () => {
  async function session() {
    const s = await start();
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    for (const service of ["root", "port", "ref", "trade", "chart"]) await probe(s, jar, service);
    return { s, token, jar };
  }

  it("pages instrument search with $top/$skip and __next, and filters by AssetTypes", async () => {
    const { s, token, jar } = await session();
    const first = (await (
      await call(s, jar, token, "/ref/v1/instruments?Keywords=EUR&$top=3&$inlinecount=AllPages")
    ).json()) as {
      Data: { Symbol: string; Identifier: number }[];
      __next?: string;
      __count: number;
    };
    expect(first.Data.map((i) => i.Symbol)).toEqual(["EURAUD", "EURCHF", "EURGBP"]);
    expect(first.__count).toBeGreaterThan(3);
    expect(first.__next).toMatch(/^\/sim\/openapi\/ref\/v1\/instruments\?.*\$skip=3/);

    const next = await fetch(`${s.url}${first.__next}`, {
      headers: { authorization: `Bearer ${token}`, cookie: jar.header(`${s.url}${first.__next}`) },
    });
    const second = (await next.json()) as { Data: { Symbol: string }[] };
    expect(second.Data[0]?.Symbol).toBe("EURJPY");

    const stocks = (await (
      await call(s, jar, token, "/ref/v1/instruments?AssetTypes=Stock,Etf&Keywords=a")
    ).json()) as {
      Data: { AssetType: string }[];
    };
    expect(stocks.Data.length).toBeGreaterThan(0);
    expect(stocks.Data.every((i) => i.AssetType === "Stock" || i.AssetType === "Etf")).toBe(true);
    expect((await call(s, jar, token, "/ref/v1/instruments?AssetTypes=Nope")).status).toBe(400);
  });

  it("serves instrument details, info prices and v3 charts for the same instrument", async () => {
    const { s, token, jar } = await session();
    const details = (await (await call(s, jar, token, "/ref/v1/instruments/details/21/FxSpot")).json()) as Record<
      string,
      unknown
    >;
    expect(details).toMatchObject({ Uic: 21, AssetType: "FxSpot", Symbol: "EURUSD", Format: { Decimals: 5 } });
    expect((await call(s, jar, token, "/ref/v1/instruments/details/21/Stock")).status).toBe(404);

    const price = (await (
      await call(s, jar, token, "/trade/v1/infoprices?Uic=21&AssetType=FxSpot&FieldGroups=Quote,DisplayAndFormat")
    ).json()) as { Quote: { Ask: number; Bid: number; Mid: number }; DisplayAndFormat: { Symbol: string } };
    expect(price.Quote.Ask).toBeGreaterThan(price.Quote.Bid);
    expect(price.Quote.Mid).toBeCloseTo(1.084, 1);
    expect(price.DisplayAndFormat.Symbol).toBe("EURUSD");

    const chart = (await (
      await call(
        s,
        jar,
        token,
        "/chart/v3/charts?Uic=211&AssetType=Stock&Horizon=180&Count=5&FieldGroups=ChartInfo,Data",
      )
    ).json()) as { ChartInfo: { Horizon: number }; Data: { Time: string; Open: number; Close: number }[] };
    expect(chart.ChartInfo.Horizon).toBe(180);
    expect(chart.Data).toHaveLength(5);
    const times = chart.Data.map((d) => Date.parse(d.Time));
    expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual([1, 2, 3, 4].map(() => 180 * 60_000));
    const missing = await call(s, jar, token, "/chart/v3/charts?Horizon=7");
    expect(Object.keys(((await missing.json()) as { ModelState: object }).ModelState).sort()).toEqual([
      "AssetType",
      "Horizon",
      "Uic",
    ]);
  });

  it("serves the portfolio: user, accounts, balance, positions, net positions and capabilities", async () => {
    const { s, token, jar } = await session();
    const get = async (path: string) => (await call(s, jar, token, path)).json() as Promise<Record<string, unknown>>;
    expect(await get("/port/v1/users/me")).toMatchObject({ UserId: "16543210", Language: "en" });
    const accounts = (await get("/port/v1/accounts/me?$top=1")) as { Data: { AccountKey: string }[]; __next: string };
    expect(accounts.Data).toHaveLength(1);
    expect(accounts.__next).toContain("$skip=1");
    expect(await get("/port/v1/balances/me")).toMatchObject({ Currency: "EUR", CalculationReliability: "Ok" });
    const positions = (await get("/port/v1/positions/me?FieldGroups=PositionBase,DisplayAndFormat")) as {
      Data: Record<string, unknown>[];
    };
    expect(positions.Data[0]).toHaveProperty("PositionBase.Uic", 21);
    expect(positions.Data[0]).toHaveProperty("DisplayAndFormat.Symbol", "EURUSD");
    expect(positions.Data[0]).not.toHaveProperty("PositionView");
    const net = (await get("/port/v1/netpositions/me")) as { Data: Record<string, unknown>[] };
    expect(net.Data[1]).toHaveProperty("NetPositionBase.AssetType", "Stock");

    expect(await get("/root/v1/sessions/capabilities")).toEqual({ TradeLevel: "OrdersOnly", DataLevel: "Standard" });
    const patched = await call(s, jar, token, "/root/v1/sessions/capabilities", {
      method: "PATCH",
      body: { TradeLevel: "FullTradingAndChat" },
    });
    expect(patched.status).toBe(202);
    expect(await get("/root/v1/sessions/capabilities")).toMatchObject({ TradeLevel: "FullTradingAndChat" });
  });
});

describe("streaming hand-off", () => {
  it("records the cookies and token presented at connect and at re-authorisation", async () => {
    const s = await start();
    const { access_token: token } = s.issueTokens();
    const jar = new Jar();
    const probed = await probe(s, jar, "streaming");
    expect(probed.headers.getSetCookie()[0]).toMatch(/Path=\/sim\/oapi\/streaming;/);

    const connectUrl = `${s.servers.streaming}/ws/connect?contextId=ctx-1`;
    const lost = await fetch(connectUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(lost.status).toBe(503);

    const viaQuery = await fetch(`${connectUrl}&authorization=${encodeURIComponent(`BEARER ${token}`)}`, {
      headers: { cookie: jar.header(connectUrl) },
    });
    expect(viaQuery.status).toBe(200);
    const arrival = s.streamingArrivals[1];
    expect(arrival).toMatchObject({ kind: "connect", contextId: "ctx-1", authorizationSource: "query", sticky: true });
    expect(arrival?.accessToken).toBe(token);
    expect(Object.keys(arrival?.cookies ?? {}).sort()).toEqual([EDGE_COOKIE, affinityCookieName("streaming")].sort());

    const renewed = s.issueTokens().access_token;
    const authorizeUrl = `${s.servers.streaming}/ws/authorize?contextid=ctx-1`;
    const reauthorized = await fetch(authorizeUrl, {
      method: "PUT",
      headers: { authorization: `Bearer ${renewed}`, cookie: jar.header(authorizeUrl) },
    });
    expect(reauthorized.status).toBe(202);
    expect(s.streamingArrivals[2]).toMatchObject({
      kind: "authorize",
      authorizationSource: "header",
      accessToken: renewed,
    });

    const unknownContext = await fetch(`${s.servers.streaming}/ws/authorize?contextid=nope`, {
      method: "PUT",
      headers: { authorization: `Bearer ${renewed}`, cookie: jar.header(authorizeUrl) },
    });
    expect(unknownContext.status).toBe(404);
  });

  it("completes a real WebSocket handshake when the cookies and token are right", async () => {
    const s = await start();
    const key = randomBytes(16).toString("base64");
    const { response, socket } = await openWebSocket(s, "ws-1", key);
    socket.destroy();
    const expected = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    expect({ code: response.statusCode, accept: response.headers["sec-websocket-accept"] }).toEqual({
      code: 101,
      accept: expected,
    });
    expect(s.streamingArrivals[0]).toMatchObject({ transport: "websocket", contextId: "ws-1", status: 200 });
  });

  it("answers a Close frame with a Close frame and ends the connection, after ignoring other frames", async () => {
    const s = await start();
    const { socket } = await openWebSocket(s, "ws-close", randomBytes(16).toString("base64"));
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<void>((resolve) => socket.once("end", resolve));
    // Client frames are masked: a text frame "hi" (split across two writes), then Close with status 1000.
    const mask = [1, 2, 3, 4];
    const masked = (bytes: number[]) => bytes.map((b, i) => b ^ (mask[i % 4] as number));
    const text = Buffer.from([0x81, 0x82, ...mask, ...masked([0x68, 0x69])]);
    socket.write(text.subarray(0, 3));
    socket.write(text.subarray(3));
    socket.write(Buffer.from([0x88, 0x82, ...mask, ...masked([0x03, 0xe8])]));
    await ended;
    expect(Buffer.concat(received)).toEqual(Buffer.from([0x88, 0x00]));
    socket.destroy();
  });
});

/** Probes the streaming service, then opens a WebSocket to it with a fresh session's token and cookies. */
async function openWebSocket(
  s: SaxoSimulator,
  contextId: string,
  key: string,
): Promise<{ response: IncomingMessage; socket: Duplex }> {
  const { access_token: token } = s.issueTokens();
  const jar = new Jar();
  await probe(s, jar, "streaming");
  const url = new URL(`${s.servers.streaming}/ws/connect?contextId=${contextId}`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-key": key,
        "sec-websocket-version": "13",
        authorization: `Bearer ${token}`,
        cookie: jar.header(url.toString()),
      },
    });
    req.on("upgrade", (response, socket) => resolve({ response, socket }));
    req.on("response", (response) => reject(new Error(`no upgrade: ${response.statusCode}`)));
    req.on("error", reject);
    req.end();
  });
}
