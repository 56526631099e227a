/**
 * Issue 13's defects, each driven at real 127.0.0.1 servers through a full client stack: token
 * requests that are redirected or hang, tokens expired on arrival, bodies that fail or never end,
 * oversized answers, hostile Retry-After values, broker pauses longer than a call's deadline, and
 * requests the middleware makes on its own being redirected elsewhere.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, type SimRequest, sendJson, startServer } from "../../testing/src/server.js";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig, AuthSchemeConfig } from "../src/config.js";
import {
  AmbiguousOutcomeError,
  AuthError,
  NetworkError,
  RateLimitError,
  ResponseTooLargeError,
  TimeoutError,
} from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { RedirectError } from "../src/redirects.js";
import { jwtWith } from "./support/local-server.js";

const REFRESH_TOKEN = "alor-refresh-0123456789abcdef-secret";
const CLIENT_SECRET = "oauth-client-secret-0123456789abcdef";
const OAUTH_REFRESH = "oauth-refresh-token-0123456789abcdef";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: (req: SimRequest, res: ServerResponse, n: number) => void | Promise<void>) {
  let n = 0;
  const running = await startServer((req, res) => handler(req, res, n++));
  servers.push(running);
  return running;
}

function config(auth: AuthSchemeConfig, overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    broker: "hostile",
    api: "api",
    environments: { test: { servers: { api: "https://example.invalid", oauth: "https://example.invalid" } } },
    server: "api",
    auth: [auth],
    rateLimits: [],
    routes: [],
    retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 2_000 },
    timeoutMs: 5_000,
    operations: [
      ["GET", "/data"],
      ["POST", "/orders"],
      ["GET", "/events", { stream: true }],
    ],
    ...overrides,
  };
}

const refreshExchange: AuthSchemeConfig = {
  name: "jwt",
  kind: "refresh-exchange",
  tokenUrl: "{oauth}/refresh",
  tokenIn: "query",
  accessTokenField: "AccessToken",
  defaultLifetimeMs: 30 * 60_000,
  skewMs: 60_000,
  minIntervalMs: 1_000,
};
const oauth: AuthSchemeConfig = {
  name: "oauth",
  kind: "oauth2",
  tokenUrl: "{oauth}/token",
  grant: "refresh_token",
  skewMs: 60_000,
  minIntervalMs: 1_000,
};

/** What an attacker's host received, to prove no credential ever reached it. */
async function attacker() {
  const seen: string[] = [];
  const running = await serve((req, res) => {
    seen.push(`${req.method} ${req.url.pathname}${req.url.search} ${JSON.stringify(req.headers)} ${req.body}`);
    sendJson(res, 200, { AccessToken: jwtWith({ exp: Math.floor(Date.now() / 1000) + 600 }) });
  });
  return { url: running.url, seen };
}

const elapsed = async <T>(work: Promise<T>) => {
  const started = performance.now();
  const outcome = await work.then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
};

describe("token requests never leave their origin (defect 1)", () => {
  it("a 302 from ALOR's refresh endpoint to another origin is an AuthError; the refresh token stays home", async () => {
    const evil = await attacker();
    const home = await serve((req, res) => {
      res.writeHead(302, { location: `${evil.url}/steal${req.url.search}` }).end();
    });
    const client = createBrokerClient(config(refreshExchange), {
      environment: "test",
      credentials: { refreshToken: REFRESH_TOKEN },
      servers: { api: home.url, oauth: home.url },
    });
    const error = await client.runtime.fetch(new Request(`${home.url}/data`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/redirected \(302\) to http:\/\/127\.0\.0\.1:\d+\/steal/);
    expect((error as Error).message).toMatch(/never leave their origin/);
    expect((error as Error).message).not.toContain(REFRESH_TOKEN);
    expect(evil.seen).toEqual([]);
  });

  it("a 307 from an OAuth2 token endpoint to another origin is refused: the form is not re-posted there", async () => {
    const evil = await attacker();
    const home = await serve((_req, res) => {
      res.writeHead(307, { location: `${evil.url}/token` }).end();
    });
    const client = createBrokerClient(config(oauth), {
      environment: "test",
      credentials: { clientId: "app", clientSecret: CLIENT_SECRET, refreshToken: OAUTH_REFRESH },
      servers: { api: home.url, oauth: home.url },
    });
    const error = await client.runtime.fetch(new Request(`${home.url}/data`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/redirected \(307\)/);
    expect(evil.seen).toEqual([]);
  });

  it("a same-origin 307 is followed with the same method and body", async () => {
    const token = jwtWith({ exp: Math.floor(Date.now() / 1000) + 600 });
    const home = await serve((req, res) => {
      if (req.path === "/token") return void res.writeHead(307, { location: "/token/v2" }).end();
      if (req.path === "/token/v2") {
        expect(req.method).toBe("POST");
        expect(new URLSearchParams(req.body).get("refresh_token")).toBe(OAUTH_REFRESH);
        return sendJson(res, 200, { access_token: token, expires_in: 600 });
      }
      sendJson(res, 200, { ok: req.headers.authorization === `Bearer ${token}` });
    });
    const client = createBrokerClient(config(oauth), {
      environment: "test",
      credentials: { clientId: "app", clientSecret: CLIENT_SECRET, refreshToken: OAUTH_REFRESH },
      servers: { api: home.url, oauth: home.url },
    });
    const response = await client.runtime.fetch(new Request(`${home.url}/data`));
    expect(await response.json()).toEqual({ ok: true });
  });

  it("requests a helper makes on its own (runtime.ownFetch) refuse a redirect to another origin", async () => {
    const evil = await attacker();
    const home = await serve((req, res) => {
      if (req.path === "/token") return sendJson(res, 200, { access_token: "tok-abcdefgh", expires_in: 600 });
      res.writeHead(302, { location: `${evil.url}/data` }).end();
    });
    const client = createBrokerClient(config(oauth), {
      environment: "test",
      credentials: { clientId: "app", clientSecret: CLIENT_SECRET, refreshToken: OAUTH_REFRESH },
      servers: { api: home.url, oauth: home.url },
    });
    const error = await client.runtime.ownFetch(new Request(`${home.url}/data`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect(evil.seen).toEqual([]);
  });

  it("a sticky probe redirected to another origin fails without following", async () => {
    const evil = await attacker();
    const home = await serve((req, res) => {
      if (req.path.endsWith("/isalive")) return void res.writeHead(302, { location: `${evil.url}/isalive` }).end();
      sendJson(res, 200, {});
    });
    const client = createBrokerClient(
      config(
        { name: "bearer", kind: "bearer" },
        { sticky: { service: "/{service}/**", probe: "/{service}/isalive", lostStatuses: [] } },
      ),
      { environment: "test", credentials: { accessToken: "bearer-abcdefgh" }, servers: { api: home.url } },
    );
    const error = await client.runtime.fetch(new Request(`${home.url}/port/v1/x`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(RedirectError);
    expect(evil.seen).toEqual([]);
  });
});

describe("every wait the middleware starts is bounded (defect 2)", () => {
  it("a token endpoint that accepts and never answers fails the call with an AuthError at the client's timeoutMs", async () => {
    const home = await serve((req, res) => {
      if (req.path === "/refresh") return; // never answers
      sendJson(res, 200, {});
    });
    const client = createBrokerClient(config(refreshExchange), {
      environment: "test",
      credentials: { refreshToken: REFRESH_TOKEN },
      servers: { api: home.url, oauth: home.url },
      timeoutMs: 300,
    });
    const { error, ms } = await elapsed(client.runtime.fetch(new Request(`${home.url}/data`)));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/timed out after 300 ms/);
    expect(ms).toBeLessThan(5_000);
  });

  it("a token endpoint that sends headers and then stalls its body is bounded too", async () => {
    const home = await serve((req, res) => {
      if (req.path === "/refresh") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"AccessToken":"');
        return;
      }
      sendJson(res, 200, {});
    });
    const client = createBrokerClient(config(refreshExchange), {
      environment: "test",
      credentials: { refreshToken: REFRESH_TOKEN },
      servers: { api: home.url, oauth: home.url },
      timeoutMs: 300,
    });
    const { error, ms } = await elapsed(client.runtime.fetch(new Request(`${home.url}/data`)));
    expect(error).toBeInstanceOf(AuthError);
    expect(ms).toBeLessThan(5_000);
  });

  it("after a 429 with Retry-After: 86400, later calls fail at once with a RateLimitError saying when the limit reopens", async () => {
    const home = await serve((_req, res) => sendJson(res, 429, { message: "slow down" }, { "retry-after": "86400" }));
    const client = createBrokerClient(
      config({ name: "bearer", kind: "bearer" }, { rateLimits: [{ name: "user", limit: 100, intervalMs: 1_000 }] }),
      {
        environment: "test",
        credentials: { accessToken: "bearer-abcdefgh" },
        servers: { api: home.url },
        timeoutMs: 1_000,
      },
    );
    // The first answer is handed back: the server asked for longer than the retry layer may wait.
    expect((await client.runtime.fetch(new Request(`${home.url}/data`))).status).toBe(429);
    const { error, ms } = await elapsed(client.runtime.fetch(new Request(`${home.url}/data`)));
    expect(error).toBeInstanceOf(RateLimitError);
    const reopensAt = (error as RateLimitError).reopensAt as number;
    expect(reopensAt).toBeGreaterThan(Date.now() + 86_000_000);
    expect((error as Error).message).toContain(new Date(reopensAt).toISOString().slice(0, 13));
    expect(ms).toBeLessThan(500);
    expect(home.arrivals).toHaveLength(1);
  });
});

describe("only streaming operations outlive the deadline (defect 3)", () => {
  it("a plain operation answered with text/event-stream that then stalls times out", async () => {
    const home = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: 1\n\n");
    });
    const client = createBrokerClient(
      config({ name: "bearer", kind: "bearer" }, { retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }),
      {
        environment: "test",
        credentials: { accessToken: "bearer-abcdefgh" },
        servers: { api: home.url },
        timeoutMs: 300,
      },
    );
    const { error, ms } = await elapsed(client.runtime.fetch(new Request(`${home.url}/data`)).then((r) => r.text()));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(5_000);
  });

  it("a streaming operation outlives the deadline, and its idle timeout ends a silent stream with a TimeoutError", async () => {
    const home = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`data: ${sent}\n\n`);
        if (++sent === 6) clearInterval(timer); // then silence
      }, 100);
      res.on("close", () => clearInterval(timer));
    });
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
      timeoutMs: 250,
      streamIdleTimeoutMs: 400,
    });
    const response = await client.runtime.fetch(new Request(`${home.url}/events`));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const failure = await (async () => {
      for (let i = 0; i < 100; i++) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        text += new TextDecoder().decode(value);
      }
      return undefined;
    })().catch((e: unknown) => e);
    // Six events over 600 ms: well past the 250 ms deadline, so the deadline spared the stream.
    expect(text.match(/data: \d/g)).toHaveLength(6);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as Error).message).toMatch(/no data for 400 ms/);
  });
});

describe("cancelling a stream", () => {
  it("a reader that stops early (break in for await) cancels the stream cleanly", async () => {
    const home = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const timer = setInterval(() => res.write("data: x\n\n"), 20);
      res.on("close", () => clearInterval(timer));
    });
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
      streamIdleTimeoutMs: 1_000,
    });
    const response = await client.runtime.fetch(new Request(`${home.url}/events`));
    let chunks = 0;
    // What `break` in `for await` does: stop reading, then cancel the stream.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (chunks < 3 && !(await reader.read()).done) chunks++;
    await reader.cancel();
    // Before the fix the pending read settled after the cancel and closed a cancelled controller (ERR_INVALID_STATE).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(chunks).toBe(3);
  });
});

describe("failures while reading the body are typed and retried (defect 4)", () => {
  it("a reset mid-body on a GET becomes a retried NetworkError; the second attempt succeeds", async () => {
    const home = await serve((_req, res, n) => {
      if (n === 0) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"partial": "');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      sendJson(res, 200, { ok: true });
    });
    const events: MiddlewareEvent[] = [];
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
      observer: (e) => events.push(e),
    });
    const response = await client.runtime.fetch(new Request(`${home.url}/data`));
    expect(await response.json()).toEqual({ ok: true });
    expect(home.arrivals).toHaveLength(2);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
  });

  it("a truncated body on every attempt ends in a NetworkError, not a raw TypeError", async () => {
    const home = await serve((_req, res) => {
      // Fewer bytes than declared, then the connection closes: a truncated body.
      res.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      res.write('{"cut":', () => res.socket?.end());
    });
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
    });
    const error = await client.runtime.fetch(new Request(`${home.url}/data`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(home.arrivals).toHaveLength(3);
  });

  it("a POST without an idempotency key whose body fails is an AmbiguousOutcomeError and is sent once", async () => {
    const home = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      res.write('{"orderNumber":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
    });
    const error = await client.runtime
      .fetch(new Request(`${home.url}/orders`, { method: "POST", body: "{}" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(home.arrivals).toHaveLength(1);
  });
});

describe("maxResponseBytes bounds every answer (defect 6)", () => {
  it("a body declared larger than the limit is refused without reading it, naming the operation", async () => {
    const home = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(100 * 1024 * 1024) });
      res.write("[");
    });
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
      maxResponseBytes: 1024 * 1024,
    });
    const error = await client.runtime.fetch(new Request(`${home.url}/data`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).operation).toBe("GET /data");
    expect((error as Error).message).toMatch(/^GET \/data: the 200 response body declares 104857600 bytes/);
  });

  it("an undeclared (chunked) body is cut off at the limit and the rest is not read", async () => {
    let written = 0;
    const home = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 100 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    const client = createBrokerClient(config({ name: "bearer", kind: "bearer" }), {
      environment: "test",
      credentials: { accessToken: "bearer-abcdefgh" },
      servers: { api: home.url },
      maxResponseBytes: 1024 * 1024,
    });
    const error = await client.runtime.fetch(new Request(`${home.url}/data`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toMatch(/exceeded it while being read/);
    // The server could push ahead into socket buffers, but nowhere near the 100 MB it offered.
    expect(written).toBeLessThan(20 * 1024 * 1024);
  });
});

describe("a token expired on arrival is reused, not re-minted per call (defect 7)", () => {
  it("ALOR: a JWT whose exp is already past gives one exchange for many calls and one token.clockSkew event", async () => {
    let exchanges = 0;
    const home = await serve((req, res) => {
      if (req.path === "/refresh") {
        exchanges++;
        return sendJson(res, 200, { AccessToken: jwtWith({ exp: Math.floor(Date.now() / 1000) - 120 }) });
      }
      sendJson(res, 200, {});
    });
    const events: MiddlewareEvent[] = [];
    const client = createBrokerClient(config(refreshExchange), {
      environment: "test",
      credentials: { refreshToken: REFRESH_TOKEN },
      servers: { api: home.url, oauth: home.url },
      observer: (e) => events.push(e),
    });
    for (let i = 0; i < 5; i++) expect((await client.runtime.fetch(new Request(`${home.url}/data`))).status).toBe(200);
    expect(exchanges).toBe(1);
    const skew = events.filter((e) => e.type === "token.clockSkew");
    expect(skew).toHaveLength(1);
    expect(skew[0]).toMatchObject({ provider: "jwt", assumedLifetimeMs: 30 * 60_000 });
  });

  it("OAuth2: expires_in 0 gives one exchange; the token is used until a 401", async () => {
    let exchanges = 0;
    const home = await serve((req, res) => {
      if (req.path === "/token") {
        exchanges++;
        return sendJson(res, 200, { access_token: `tok-${exchanges}-abcdefgh`, expires_in: 0 });
      }
      sendJson(res, 200, {});
    });
    const events: MiddlewareEvent[] = [];
    const client = createBrokerClient(config(oauth), {
      environment: "test",
      credentials: { clientId: "app", clientSecret: CLIENT_SECRET, refreshToken: OAUTH_REFRESH },
      servers: { api: home.url, oauth: home.url },
      observer: (e) => events.push(e),
    });
    for (let i = 0; i < 5; i++) expect((await client.runtime.fetch(new Request(`${home.url}/data`))).status).toBe(200);
    expect(exchanges).toBe(1);
    expect(events.filter((e) => e.type === "token.clockSkew")).toHaveLength(1);
  });
});

describe("hostile Retry-After values and 503s (defect 8)", () => {
  it("a negative Retry-After is treated as absent: the retry backs off instead of replaying at once", async () => {
    const home = await serve((_req, res, n) =>
      n < 2 ? sendJson(res, 503, {}, { "retry-after": "-5" }) : sendJson(res, 200, {}),
    );
    const client = createBrokerClient(
      config({ name: "bearer", kind: "bearer" }, { retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 } }),
      { environment: "test", credentials: { accessToken: "bearer-abcdefgh" }, servers: { api: home.url } },
    );
    expect((await client.runtime.fetch(new Request(`${home.url}/data`))).status).toBe(200);
    const [first, second] = home.arrivals;
    // Equal jitter: at least half the 200 ms backoff.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it("a 503 with Retry-After: 1 on a sticky service is not re-probed and replayed early; the retry waits the second", async () => {
    const probes: number[] = [];
    const home = await serve((req, res, n) => {
      if (req.path.endsWith("/isalive")) {
        probes.push(n);
        return sendJson(res, 200, {}, { "set-cookie": "affinity=a1; Path=/" });
      }
      if (req.url.pathname === "/port/v1/x" && probes.length === 1 && n === 1) {
        return sendJson(res, 503, { ErrorCode: "ServiceUnavailable" }, { "retry-after": "1" });
      }
      sendJson(res, 200, {});
    });
    const client = createBrokerClient(
      config(
        { name: "bearer", kind: "bearer" },
        {
          sticky: {
            service: "/{service}/**",
            probe: "/{service}/isalive",
            lostStatuses: [503],
            lostErrorCodes: ["SessionNotAvailable"],
          },
        },
      ),
      { environment: "test", credentials: { accessToken: "bearer-abcdefgh" }, servers: { api: home.url } },
    );
    expect((await client.runtime.fetch(new Request(`${home.url}/port/v1/x`))).status).toBe(200);
    expect(probes).toHaveLength(1);
    const calls = home.arrivals.filter((a) => a.path === "/port/v1/x");
    expect(calls).toHaveLength(2);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("a 503 storm without the lost-session code costs no probe or replay per attempt", async () => {
    const home = await serve((req, res) => {
      if (req.path.endsWith("/isalive")) return sendJson(res, 200, {}, { "set-cookie": "affinity=a1; Path=/" });
      sendJson(res, 503, { ErrorCode: "ServiceUnavailable" });
    });
    const client = createBrokerClient(
      config(
        { name: "bearer", kind: "bearer" },
        {
          retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
          sticky: {
            service: "/{service}/**",
            probe: "/{service}/isalive",
            lostStatuses: [503],
            lostErrorCodes: ["SessionNotAvailable"],
          },
        },
      ),
      { environment: "test", credentials: { accessToken: "bearer-abcdefgh" }, servers: { api: home.url } },
    );
    expect((await client.runtime.fetch(new Request(`${home.url}/port/v1/x`))).status).toBe(503);
    expect(home.arrivals.filter((a) => a.path.endsWith("/isalive"))).toHaveLength(1);
    expect(home.arrivals.filter((a) => a.path === "/port/v1/x")).toHaveLength(3);
  });

  it("a 503 that does say the session is lost is still re-probed and replayed once", async () => {
    let probes = 0;
    const home = await serve((req, res, n) => {
      if (req.path.endsWith("/isalive")) {
        probes++;
        return sendJson(res, 200, {}, { "set-cookie": `affinity=a${probes}; Path=/` });
      }
      if (n === 1) return sendJson(res, 503, { ErrorCode: "SessionNotAvailable" });
      sendJson(res, 200, { cookie: req.headers.cookie });
    });
    const client = createBrokerClient(
      config(
        { name: "bearer", kind: "bearer" },
        {
          retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
          sticky: {
            service: "/{service}/**",
            probe: "/{service}/isalive",
            lostStatuses: [503],
            lostErrorCodes: ["SessionNotAvailable"],
          },
        },
      ),
      { environment: "test", credentials: { accessToken: "bearer-abcdefgh" }, servers: { api: home.url } },
    );
    const response = await client.runtime.fetch(new Request(`${home.url}/port/v1/x`));
    expect(await response.json()).toEqual({ cookie: "affinity=a2" });
    expect(probes).toBe(2);
  });
});
