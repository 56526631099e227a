import { afterEach, describe, expect, it } from "vitest";
import {
  basic,
  bearer,
  type CredentialProvider,
  MemoryTokenStore,
  refreshExchange,
  staticHeaders,
} from "../src/auth/index.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch } from "../src/compose.js";
import { AuthError, ConfigError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import type { CallContext, Layer } from "../src/types.js";
import {
  type Arrival,
  clientOf,
  delay,
  json,
  jwtWith,
  type LocalServer,
  startLocalServer,
} from "./support/local-server.js";

const REFRESH_TOKEN = "alor-refresh-0f3c9d1e-7b2a-4c5d-9e8f-a1b2c3d4e5f6";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface AuthorityOptions {
  /** Seconds of JWT lifetime, or undefined for a token without `exp`. */
  lifetimeS?: number | undefined;
  /** Answer every API call with 401, whatever the token. */
  alwaysUnauthorized?: boolean;
  field?: string;
}

/** An ALOR-like token endpoint (`POST /refresh?token=` or JSON body) plus an API that checks the JWT. */
async function startAuthority(options: AuthorityOptions = {}) {
  const valid = new Set<string>();
  const state = { tokenRequests: [] as Arrival[], apiRequests: [] as Arrival[], valid };
  const server = await startLocalServer((arrival, res) => {
    if (arrival.path === "/refresh") {
      state.tokenRequests.push(arrival);
      const given = arrival.query.get("token") ?? (arrival.body ? JSON.parse(arrival.body).token : undefined);
      if (arrival.method !== "POST" || given !== REFRESH_TOKEN) return json(res, 403, { message: "bad refresh token" });
      const claims: Record<string, unknown> = { sub: "P0001" };
      if (options.lifetimeS !== undefined) claims.exp = Math.floor(Date.now() / 1000) + options.lifetimeS;
      const token = jwtWith(claims);
      valid.add(token);
      return json(res, 200, { [options.field ?? "AccessToken"]: token });
    }
    state.apiRequests.push(arrival);
    const token = arrival.headers.authorization?.replace(/^Bearer /, "");
    if (options.alwaysUnauthorized || !token || !valid.has(token)) return json(res, 401, { message: "unauthorized" });
    json(res, 200, { ok: true, path: arrival.path });
  });
  servers.push(server);
  return { ...state, url: server.url };
}

/** A token store that counts its reads, as a shared (e.g. Redis) store would count GETs. */
class CountingStore extends MemoryTokenStore {
  reads = 0;
  override get() {
    this.reads++;
    return super.get();
  }
}

function clientFor(provider: CredentialProvider, layers: Layer[] = []) {
  const events: MiddlewareEvent[] = [];
  const fetch = clientOf(compose(fromFetch(), [auth(provider, { observer: (e) => events.push(e) }), ...layers]));
  return { fetch, events };
}

describe("refreshExchange + auth layer", () => {
  it("200 concurrent calls with an expired token cause exactly one token request", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const expired = { accessToken: jwtWith({ exp: Math.floor(Date.now() / 1000) - 5 }), expiresAt: Date.now() - 5_000 };
    const provider = refreshExchange({
      refreshToken: REFRESH_TOKEN,
      tokenUrl: `${authority.url}/refresh`,
      store: new MemoryTokenStore(expired),
    });
    const { fetch, events } = clientFor(provider);
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(`${authority.url}/md/v2/q/${i}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(authority.tokenRequests).toHaveLength(1);
    expect(authority.tokenRequests[0]?.query.get("token")).toBe(REFRESH_TOKEN);
    expect(authority.apiRequests).toHaveLength(200);
    expect(events).toEqual([
      { type: "token.refresh", provider: "refresh-exchange", reason: "expired" },
      { type: "token.refreshed", provider: "refresh-exchange", expiresAt: expect.any(Number) },
    ]);
  });

  it("mints once for 200 concurrent first calls (reason initial) and reuses the token afterwards", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${authority.url}/refresh` });
    const { fetch, events } = clientFor(provider);
    await Promise.all(Array.from({ length: 200 }, () => fetch(`${authority.url}/md/v2/time`)));
    for (let i = 0; i < 20; i++) expect((await fetch(`${authority.url}/md/v2/time`)).status).toBe(200);
    expect(authority.tokenRequests).toHaveLength(1);
    expect(new Set(authority.apiRequests.map((a) => a.headers.authorization)).size).toBe(1);
    expect(events[0]).toEqual({ type: "token.refresh", provider: "refresh-exchange", reason: "initial" });
  });

  it("sets a token it holds at once (no promise), and waits only when one must be minted", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${authority.url}/refresh` });
    const first = new Headers();
    const minting = provider.apply(first);
    expect(minting).toBeInstanceOf(Promise);
    await minting;
    const held = new Headers();
    expect(provider.apply(held)).toBeUndefined();
    expect(held.get("authorization")).toBe(first.get("authorization"));
    expect(authority.tokenRequests).toHaveLength(1);
  });

  it("never refreshes while the token is valid beyond the skew, then refreshes once", async () => {
    const authority = await startAuthority({ lifetimeS: 3 });
    const skewMs = 1_000;
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${authority.url}/refresh`, skewMs });
    const { fetch } = clientFor(provider);
    expect((await fetch(`${authority.url}/a`)).status).toBe(200);
    const first = authority.apiRequests[0]?.headers.authorization?.slice(7) ?? "";
    const refreshAt = JSON.parse(Buffer.from(first.split(".")[1] ?? "", "base64url").toString()).exp * 1000 - skewMs;
    // Sequential calls for as long as the token is comfortably fresh (bounded: at most 40).
    for (let i = 0; i < 40 && Date.now() < refreshAt - 400; i++) {
      expect((await fetch(`${authority.url}/a`)).status).toBe(200);
      await delay(25);
    }
    expect(authority.tokenRequests).toHaveLength(1);
    expect(new Set(authority.apiRequests.map((a) => a.headers.authorization)).size).toBe(1);
    await delay(Math.max(0, refreshAt - Date.now() + 30));
    await Promise.all(Array.from({ length: 10 }, () => fetch(`${authority.url}/a`)));
    expect(authority.tokenRequests).toHaveLength(2);
  });

  it("sends the refresh token as a JSON body when tokenIn is body, and assumes defaultLifetimeMs without exp", async () => {
    const authority = await startAuthority({ lifetimeS: undefined, field: "jwt" });
    const provider = refreshExchange({
      refreshToken: REFRESH_TOKEN,
      tokenUrl: `${authority.url}/refresh`,
      tokenIn: "body",
      accessTokenField: "jwt",
      defaultLifetimeMs: 1_000,
      skewMs: 200,
      minIntervalMs: 0,
    });
    const { fetch, events } = clientFor(provider);
    expect((await fetch(`${authority.url}/a`)).status).toBe(200);
    const request = authority.tokenRequests[0];
    expect(request?.query.has("token")).toBe(false);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ token: REFRESH_TOKEN });
    const refreshed = events.find((e) => e.type === "token.refreshed");
    expect(refreshed && "expiresAt" in refreshed ? refreshed.expiresAt : 0).toBeGreaterThan(Date.now());
    expect((await fetch(`${authority.url}/a`)).status).toBe(200);
    expect(authority.tokenRequests).toHaveLength(1);
    await delay(850);
    expect((await fetch(`${authority.url}/a`)).status).toBe(200);
    expect(authority.tokenRequests).toHaveLength(2);
  });

  it("after a 401 refreshes once and replays once, keeping the body", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const provider = refreshExchange({
      refreshToken: REFRESH_TOKEN,
      tokenUrl: `${authority.url}/refresh`,
      minIntervalMs: 0,
    });
    const { fetch, events } = clientFor(provider);
    expect((await fetch(`${authority.url}/a`)).status).toBe(200);
    authority.valid.clear(); // the server revokes the token it issued
    const response = await fetch(`${authority.url}/commands/order`, { method: "POST", body: '{"qty":1}' });
    expect(response.status).toBe(200);
    expect(authority.tokenRequests).toHaveLength(2);
    const orderArrivals = authority.apiRequests.filter((a) => a.path === "/commands/order");
    expect(orderArrivals.map((a) => a.body)).toEqual(['{"qty":1}', '{"qty":1}']);
    expect(orderArrivals[0]?.headers.authorization).not.toBe(orderArrivals[1]?.headers.authorization);
    expect(events.filter((e) => e.type === "token.refresh").map((e) => "reason" in e && e.reason)).toEqual([
      "initial",
      "401",
    ]);
  });

  it("a 401 that persists after the replay is returned as it is: no loop", async () => {
    const authority = await startAuthority({ lifetimeS: 600, alwaysUnauthorized: true });
    const provider = refreshExchange({
      refreshToken: REFRESH_TOKEN,
      tokenUrl: `${authority.url}/refresh`,
      minIntervalMs: 0,
    });
    const { fetch } = clientFor(provider);
    const response = await fetch(`${authority.url}/a`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "unauthorized" });
    expect(authority.apiRequests).toHaveLength(2);
    expect(authority.tokenRequests).toHaveLength(2); // the initial mint and one refresh
  });

  it("reads its token store once per token, not once per call", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const store = new CountingStore();
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${authority.url}/refresh`, store });
    const { fetch } = clientFor(provider);
    expect((await fetch(`${authority.url}/first`)).status).toBe(200);
    const readsForFirstToken = store.reads;
    await Promise.all(Array.from({ length: 100 }, () => fetch(`${authority.url}/md/v2/time`)));
    for (let i = 0; i < 100; i++) expect((await fetch(`${authority.url}/md/v2/time`)).status).toBe(200);
    expect(store.reads).toBe(readsForFirstToken);
    expect(readsForFirstToken).toBeLessThanOrEqual(2);
    expect(authority.tokenRequests).toHaveLength(1);
  });

  it("after a 401 reads the store afresh and replays with a token stored there meanwhile, without an exchange", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const store = new CountingStore();
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${authority.url}/refresh`, store });
    const { fetch } = clientFor(provider);
    expect((await fetch(`${authority.url}/a`)).status).toBe(200);
    const first = authority.apiRequests[0]?.headers.authorization;
    // Another process (sharing the store) was refused the token, refreshed, and stored its new one.
    authority.valid.clear();
    const replacement = jwtWith({ sub: "P0001", exp: Math.floor(Date.now() / 1000) + 600 });
    authority.valid.add(replacement);
    await store.set({ accessToken: replacement, expiresAt: Date.now() + 600_000 });
    expect((await fetch(`${authority.url}/b`)).status).toBe(200);
    expect(authority.apiRequests.slice(1).map((a) => a.headers.authorization)).toEqual([
      first,
      `Bearer ${replacement}`,
    ]);
    expect(authority.tokenRequests).toHaveLength(1);
    // The replacement is remembered: the next call sends it at once.
    expect((await fetch(`${authority.url}/c`)).status).toBe(200);
    expect(authority.apiRequests.at(-1)?.headers.authorization).toBe(`Bearer ${replacement}`);
  });

  it("respects the min-interval floor under a storm of 401s", async () => {
    const authority = await startAuthority({ lifetimeS: 600, alwaysUnauthorized: true });
    const minIntervalMs = 150;
    const provider = refreshExchange({
      refreshToken: REFRESH_TOKEN,
      tokenUrl: `${authority.url}/refresh`,
      minIntervalMs,
    });
    const { fetch } = clientFor(provider);
    const calls: Promise<Response>[] = [];
    for (let wave = 0; wave < 12; wave++) {
      for (let i = 0; i < 15; i++) calls.push(fetch(`${authority.url}/a`));
      await delay(40);
    }
    const responses = await Promise.all(calls);
    expect(responses.every((r) => r.status === 401)).toBe(true);
    expect(authority.apiRequests.length).toBeLessThanOrEqual(2 * calls.length);
    const times = authority.tokenRequests.map((a) => a.at);
    expect(times.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < times.length; i++) {
      // Client clock (Date.now, whole ms) vs server clock (performance.now): 2 ms of rounding slack.
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(minIntervalMs - 2);
    }
  });

  it("a refresh failure rejects with AuthError (status, no secret), and the next call tries again", async () => {
    const authority = await startAuthority({ lifetimeS: 600 });
    const provider = refreshExchange({
      refreshToken: `${REFRESH_TOKEN}-revoked`,
      tokenUrl: `${authority.url}/refresh`,
      minIntervalMs: 0,
    });
    const { fetch } = clientFor(provider);
    const error = await fetch(`${authority.url}/a`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(403);
    expect((error as AuthError).message).toContain("answered 403 (bad refresh token)");
    expect((error as AuthError).message).not.toContain(REFRESH_TOKEN);
    expect(authority.apiRequests).toHaveLength(0);
    await expect(fetch(`${authority.url}/a`)).rejects.toBeInstanceOf(AuthError);
    expect(authority.tokenRequests).toHaveLength(2);
  });

  it("a malformed token answer names the missing field", async () => {
    const authority = await startAuthority({ lifetimeS: 600, field: "Token" });
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${authority.url}/refresh` });
    const { fetch } = clientFor(provider);
    await expect(fetch(`${authority.url}/a`)).rejects.toThrow(/has no non-empty string field "AccessToken"/);
  });

  it("a caller's abort stops its wait without cancelling the shared refresh", async () => {
    const gate = { open: undefined as undefined | (() => void) };
    const server = await startLocalServer(async (arrival, res) => {
      if (arrival.path === "/refresh") {
        await new Promise<void>((resolve) => {
          gate.open = resolve;
        });
        return json(res, 200, { AccessToken: jwtWith({ exp: Math.floor(Date.now() / 1000) + 600 }) });
      }
      json(res, 200, { ok: true });
    });
    servers.push(server);
    const { fetch } = clientFor(refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${server.url}/refresh` }));
    const controller = new AbortController();
    const aborted = fetch(`${server.url}/a`, { signal: controller.signal });
    const patient = fetch(`${server.url}/b`);
    for (let i = 0; i < 100 && !gate.open; i++) await delay(10);
    controller.abort(new Error("caller gave up"));
    await expect(aborted).rejects.toThrow("caller gave up");
    gate.open?.();
    expect((await patient).status).toBe(200);
  });

  it("sets context.identity to the provider's non-secret identity", async () => {
    const server = await startLocalServer((_, res) => json(res, 200, {}));
    servers.push(server);
    const provider = bearer({ accessToken: "static-access-token-123456" });
    const seen: (string | undefined)[] = [];
    const spy: Layer = (next) => (request, context: CallContext) => {
      seen.push(context.identity);
      return next(request, context);
    };
    await clientOf(compose(fromFetch(), [auth(provider), spy]))(`${server.url}/x`);
    expect(seen).toEqual([provider.identity]);
    expect(provider.identity).toMatch(/^bearer:[0-9a-f]{12}$/);
    expect(provider.identity).not.toContain("static-access-token");
  });
});

describe("static providers", () => {
  async function echo() {
    const server = await startLocalServer((arrival, res) => json(res, 401, { headers: arrival.headers }));
    servers.push(server);
    return server;
  }

  it("staticHeaders sets the mapped credential headers (Alpaca keys)", async () => {
    const server = await echo();
    const provider = staticHeaders({
      headers: { "APCA-API-KEY-ID": "keyId", "APCA-API-SECRET-KEY": "secretKey" },
      credentials: { keyId: "PKTEST1234567890", secretKey: "alpaca-secret-abcdefghijklmnop" },
    });
    const response = await clientOf(compose(fromFetch(), [auth(provider)]))(`${server.url}/v2/account`);
    // Static credentials cannot refresh: the 401 comes back untouched, after one request.
    expect(response.status).toBe(401);
    expect(server.arrivals).toHaveLength(1);
    expect(server.arrivals[0]?.headers["apca-api-key-id"]).toBe("PKTEST1234567890");
    expect(server.arrivals[0]?.headers["apca-api-secret-key"]).toBe("alpaca-secret-abcdefghijklmnop");
    expect(provider.headerNames).toEqual(["apca-api-key-id", "apca-api-secret-key"]);
    expect(provider.onUnauthorized).toBeUndefined();
  });

  it("staticHeaders names the missing credential field", () => {
    expect(() => staticHeaders({ headers: { "APCA-API-KEY-ID": "keyId" }, credentials: {} })).toThrow(ConfigError);
    expect(() => staticHeaders({ headers: { "APCA-API-KEY-ID": "keyId" }, credentials: {} })).toThrow(
      /credential "keyId" \(sent as header APCA-API-KEY-ID\)/,
    );
  });

  it("basic sets Authorization: Basic base64(username:password)", async () => {
    const server = await echo();
    const provider = basic({ username: "CK1234567", password: "broker-secret-password" });
    await clientOf(compose(fromFetch(), [auth(provider)]))(`${server.url}/v1/accounts`);
    const header = server.arrivals[0]?.headers.authorization ?? "";
    expect(header).toBe(`Basic ${Buffer.from("CK1234567:broker-secret-password").toString("base64")}`);
    expect(provider.identity).toMatch(/^basic:[0-9a-f]{12}$/);
  });

  it("bearer overrides a caller's Authorization header with the configured token", async () => {
    const server = await echo();
    const provider = bearer({ accessToken: "bearer-token-abcdef123456" });
    await clientOf(compose(fromFetch(), [auth(provider)]))(`${server.url}/x`, {
      headers: { authorization: "Bearer other" },
    });
    expect(server.arrivals[0]?.headers.authorization).toBe("Bearer bearer-token-abcdef123456");
  });

  it("rejects missing options with a ConfigError naming the option", () => {
    expect(() => refreshExchange({ refreshToken: "", tokenUrl: "https://oauth.example/refresh" })).toThrow(
      /option "refreshToken" is required/,
    );
    expect(() => refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: "{oauth}/refresh" })).toThrow(
      /option "tokenUrl" must be an absolute URL/,
    );
    expect(() => basic({ username: "u", password: "" })).toThrow(/option "password"/);
  });
});
