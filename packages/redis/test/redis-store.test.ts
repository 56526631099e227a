/**
 * The Redis store within one test process: several stores (each its own connection, as separate
 * processes would have) against a real redis-server and real 127.0.0.1 servers.
 */
import { randomBytes } from "node:crypto";
import {
  type ApiConfig,
  AuthError,
  ConfigError,
  compose,
  createBrokerClient,
  createThrottle,
  fromFetch,
  refreshExchange,
  type Throttle,
  toFetch,
} from "@brokerkit/middleware";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { signJwt } from "../../testing/src/jwt.js";
import { maxInWindow, type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { type RedisStore, RedisStoreError, redisStore, TokenCipherError } from "../src/index.js";
import { redisServerOrSkip } from "./support/redis-server.js";

const { server: redis, reason } = await redisServerOrSkip();
afterAll(() => redis?.close());

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

const sharedKey = randomBytes(32);

function store(options: Parameters<typeof redisStore>[0] = {}): RedisStore {
  const created = redisStore({ url: redis?.url, encryptionKey: sharedKey, ...options });
  opened.push(created);
  return created;
}

async function server(handler: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  const running = await startServer(handler);
  opened.push(running);
  return running;
}

function throttled(throttle: Throttle, identity = "acct-1") {
  const fetch = toFetch(compose(fromFetch(), [throttle.layer]), () => ({ identity }));
  return (url: string, init?: RequestInit) => fetch(new Request(url, init));
}

/** The least ApiConfig with a refreshing credential. */
const refreshConfig: ApiConfig = {
  broker: "alor",
  api: "warp",
  environments: { sim: { servers: { api: "http://127.0.0.1:1" } } },
  server: "api",
  auth: [
    {
      name: "refresh",
      kind: "refresh-exchange",
      tokenUrl: "{api}/refresh",
      tokenIn: "query",
      accessTokenField: "AccessToken",
      defaultLifetimeMs: 60_000,
      skewMs: 1_000,
      minIntervalMs: 1_000,
    },
  ],
  rateLimits: [],
  routes: [],
  retry: { attempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 },
  timeoutMs: 5_000,
  operations: [],
};

const prefix = () => `t-${randomBytes(4).toString("hex")}:`;

describe.skipIf(!redis)(`redisStore against a real redis-server${reason ? ` (${reason})` : ""}`, () => {
  it("three connections share one bucket: no window at the server holds more than the limit", async () => {
    const api = await server((_req, res) => sendJson(res, 200, {}));
    const keyPrefix = prefix();
    const rules = [{ name: "user", limit: 5, intervalMs: 300 }];
    const fetches = [1, 2, 3].map(() =>
      throttled(createThrottle({ rules, store: store({ keyPrefix, holdOnColdStart: false }).throttle })),
    );
    await Promise.all(Array.from({ length: 45 }, (_, i) => fetches[i % 3]?.(api.url).then((r) => r.text())));
    expect(api.arrivals).toHaveLength(45);
    expect(
      maxInWindow(
        api.arrivals.map((a) => a.at),
        300,
      ),
    ).toBeLessThanOrEqual(5);
  });

  it("a 429 seen by one process pauses the bucket for the others", async () => {
    let first = true;
    const api = await server((_req, res) => {
      if (first) {
        first = false;
        return sendJson(res, 429, { message: "slow down" }, { "retry-after": "1" });
      }
      return sendJson(res, 200, {});
    });
    const keyPrefix = prefix();
    const rules = [{ name: "user", limit: 100, intervalMs: 1000 }];
    const a = throttled(createThrottle({ rules, store: store({ keyPrefix, holdOnColdStart: false }).throttle }));
    const b = throttled(createThrottle({ rules, store: store({ keyPrefix, holdOnColdStart: false }).throttle }));
    expect((await a(api.url)).status).toBe(429);
    const pausedAt = performance.now();
    expect((await b(api.url)).status).toBe(200);
    const arrival = api.arrivals[1]?.at ?? 0;
    // Retry-After: 1 → the other process's call reaches the server no sooner than ~1 s later.
    expect(arrival - pausedAt).toBeGreaterThanOrEqual(900);
  });

  it("a cold bucket (no record in Redis) is held one full occupancy before its first call", async () => {
    const api = await server((_req, res) => sendJson(res, 200, {}));
    const fetch = throttled(
      createThrottle({
        rules: [{ name: "user", limit: 10, intervalMs: 200 }],
        store: store({ keyPrefix: prefix() }).throttle,
      }),
    );
    const started = performance.now();
    await fetch(api.url);
    // maxTransitMs (200) + interval with margin (201).
    expect((api.arrivals[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(390);
  });

  it("an aborted waiter leaves at once with the signal's reason and takes no slot", async () => {
    const api = await server((_req, res) => sendJson(res, 200, {}));
    const shared = store({ keyPrefix: prefix(), holdOnColdStart: false });
    const throttle = createThrottle({ rules: [{ name: "user", limit: 1, intervalMs: 1000 }], store: shared.throttle });
    const fetch = throttled(throttle);
    await fetch(api.url);
    const controller = new AbortController();
    const waiting = fetch(api.url, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(throttle.stats().waiting).toBe(1);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(throttle.stats().waiting).toBe(0);
    expect(api.arrivals).toHaveLength(1);
    // The next caller still gets in once the first call's occupancy ends.
    expect((await fetch(api.url)).status).toBe(200);
    expect(api.arrivals).toHaveLength(2);
    expect((api.arrivals[1]?.at ?? 0) - (api.arrivals[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("two processes with an expired token: one exchange under the lock, the other reuses its token", async () => {
    let exchanges = 0;
    const secret = randomBytes(8).toString("hex");
    const tokenServer = await server(async (req, res) => {
      exchanges++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exp = Math.floor(Date.now() / 1000) + 1800;
      sendJson(res, 200, { AccessToken: signJwt({ sub: req.path, exp }, secret) });
    });
    const keyPrefix = prefix();
    const refreshToken = `r-${randomBytes(8).toString("hex")}`;
    const providers = [1, 2, 3].map(() =>
      refreshExchange({ refreshToken, tokenUrl: `${tokenServer.url}/refresh`, store: store({ keyPrefix }).tokens }),
    );
    const headers = providers.map(() => new Headers());
    await Promise.all(providers.map((provider, i) => provider.apply(headers[i] as Headers)));
    expect(exchanges).toBe(1);
    expect(new Set(headers.map((h) => h.get("authorization"))).size).toBe(1);
  });

  it("a process reads the shared token from Redis once per token, not once per call", async () => {
    const secret = randomBytes(8).toString("hex");
    const tokenServer = await server((_req, res) => {
      const exp = Math.floor(Date.now() / 1000) + 1800;
      sendJson(res, 200, { AccessToken: signJwt({ sub: "P1", exp }, secret) });
    });
    const provider = refreshExchange({
      refreshToken: `r-${randomBytes(8).toString("hex")}`,
      tokenUrl: `${tokenServer.url}/refresh`,
      store: store({ keyPrefix: prefix() }).tokens,
    });
    const raw = new Redis(redis?.url ?? "");
    opened.push({ close: async () => void raw.disconnect() });
    const gets = async () => Number(/cmdstat_get:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1] ?? 0);
    await provider.apply(new Headers());
    const before = await gets();
    for (let i = 0; i < 200; i++) await provider.apply(new Headers());
    expect(await gets()).toBe(before);
  });

  it("tokens are encrypted in Redis; another key cannot read them; plain text only on explicit opt-in", async () => {
    const keyPrefix = prefix();
    const key = randomBytes(32).toString("hex");
    const writer = store({ keyPrefix, encryptionKey: key }).tokens?.forIdentity("acct-9");
    const accessToken = `secret-${randomBytes(12).toString("hex")}`;
    await writer?.set({ accessToken, expiresAt: 1_900_000_000_000, refreshToken: "refresh-secret-value" });
    const raw = new Redis(redis?.url ?? "");
    opened.push({ close: async () => void raw.disconnect() });
    const stored = (await raw.get(writer?.key ?? "")) ?? "";
    expect(stored.startsWith("bk1.gcm.")).toBe(true);
    expect(stored).not.toContain(accessToken);
    expect(stored).not.toContain("refresh-secret-value");
    expect(await store({ keyPrefix, encryptionKey: key }).tokens?.forIdentity("acct-9").get()).toEqual({
      accessToken,
      expiresAt: 1_900_000_000_000,
      refreshToken: "refresh-secret-value",
    });

    const wrongKey = store({ keyPrefix, encryptionKey: randomBytes(32) }).tokens?.forIdentity("acct-9");
    const error = await wrongKey?.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenCipherError);
    expect(String(error)).not.toContain(accessToken);
    // A value moved to another credential's key does not decrypt either (the key name is authenticated).
    const other = store({ keyPrefix, encryptionKey: key }).tokens?.forIdentity("acct-10");
    await raw.set(other?.key ?? "", stored);
    await expect(other?.get()).rejects.toBeInstanceOf(TokenCipherError);

    const refusing = redisStore({ url: redis?.url, keyPrefix });
    opened.push(refusing);
    expect(() => refusing.tokens?.forIdentity("acct-9")).toThrow(ConfigError);
    expect(() => refusing.tokens?.forIdentity("acct-9")).toThrow(/encryptionKey/);
    expect(() =>
      refreshExchange({ refreshToken: "r", tokenUrl: "http://127.0.0.1:1/refresh", store: refusing.tokens }),
    ).toThrow(/refusing to keep access tokens in Redis unencrypted/);
    expect(() =>
      createBrokerClient(refreshConfig, { environment: "sim", credentials: { refreshToken: "r" }, store: refusing }),
    ).toThrow(ConfigError);
    const plain = store({ keyPrefix, encryptionKey: undefined, storeTokensInPlaintext: true }).tokens?.forIdentity("p");
    await plain?.set({ accessToken: "visible" });
    expect(await raw.get(plain?.key ?? "")).toBe('bk1.plain.{"accessToken":"visible"}');
    expect(() => redisStore({ encryptionKey: "too-short" })).toThrow(/encryptionKey must be 32 bytes/);
  });

  it("an unreachable Redis fails calls with RedisStoreError naming it and the operation, never the password", async () => {
    const closedPort = await server((_req, res) => sendJson(res, 200, {}));
    const port = closedPort.port;
    await closedPort.close();
    const api = await server((_req, res) => sendJson(res, 200, {}));
    const unreachable = store({ url: `redis://:hunter2-password@127.0.0.1:${port}`, commandTimeoutMs: 300 });
    const fetch = throttled(
      createThrottle({ rules: [{ name: "user", limit: 5, intervalMs: 1000 }], store: unreachable.throttle }),
    );
    const error = await fetch(api.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as RedisStoreError).operation).toBe("throttle admission");
    expect(String(error)).toContain(`Redis at 127.0.0.1:${port}: throttle admission failed`);
    expect(JSON.stringify(error)).not.toContain("hunter2-password");
    expect(api.arrivals).toHaveLength(0);

    const provider = refreshExchange({ refreshToken: "r", tokenUrl: `${api.url}/refresh`, store: unreachable.tokens });
    const tokenError = await Promise.resolve(provider.apply(new Headers())).catch((e: unknown) => e);
    expect(tokenError).toBeInstanceOf(RedisStoreError);
    expect(tokenError).not.toBeInstanceOf(AuthError);
    expect(String(tokenError)).toMatch(/Redis at 127\.0\.0\.1:\d+: (refresh lock|token read) failed/);
  });
});
