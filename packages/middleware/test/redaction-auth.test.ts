/**
 * Drives every error path of auth, sticky and redirects with known secrets, and searches every
 * printable form of the error (message, String, JSON, stack, inspect, cause) and every observer
 * event for them.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { oauth2, refreshExchange, staticHeaders } from "../src/auth/index.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch } from "../src/compose.js";
import { AuthError, HttpError, NetworkError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { RedirectError, redirects } from "../src/redirects.js";
import { sticky } from "../src/sticky.js";
import { clientOf, json, jwtWith, type LocalServer, startLocalServer } from "./support/local-server.js";

const REFRESH_TOKEN = "rt-KNOWN-SECRET-8c1f0a9e5d7b";
const CLIENT_SECRET = "cs-KNOWN-SECRET-2b4d6f8a0c1e";
const OAUTH_REFRESH = "ort-KNOWN-SECRET-7e5c3a1f9d0b";
const API_KEY = "ak-KNOWN-SECRET-5a6b7c8d9e0f";
const COOKIE_VALUE = "ck-KNOWN-SECRET-1a2b3c4d5e6f";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Parameters<typeof startLocalServer>[0]) {
  const server = await startLocalServer(handler);
  servers.push(server);
  return server;
}

function printableForms(error: unknown, events: MiddlewareEvent[]): string[] {
  const err = error as Error & { cause?: unknown };
  const cause = err.cause as (Error & { cause?: unknown }) | undefined;
  return [
    err.message,
    String(err),
    JSON.stringify(err),
    err.stack ?? "",
    inspect(err, { depth: 5 }),
    String(cause),
    JSON.stringify(cause) ?? "",
    cause?.message ?? "",
    cause?.stack ?? "",
    inspect(cause, { depth: 5 }),
    JSON.stringify(events),
  ];
}

function expectNoSecrets(error: unknown, events: MiddlewareEvent[], secrets: string[]) {
  expect(error).toBeInstanceOf(Error);
  for (const form of printableForms(error, events)) {
    for (const secret of secrets) expect(form, `secret leaked into: ${form.slice(0, 200)}`).not.toContain(secret);
  }
}

/** A token endpoint that answers `status` and echoes everything it received back in the body. */
async function echoingTokenEndpoint(status: number) {
  return serve((arrival, res) =>
    json(res, status, {
      error: "invalid_grant",
      error_description: `rejected ${arrival.query.get("token")} ${arrival.body} ${arrival.headers.authorization}`,
      message: `echo ${arrival.body}`,
    }),
  );
}

describe("redaction on auth, sticky and redirect error paths", () => {
  for (const status of [400, 401, 500]) {
    it(`refresh-exchange failure ${status} (token in the query, echoed back)`, async () => {
      const server = await echoingTokenEndpoint(status);
      const events: MiddlewareEvent[] = [];
      const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${server.url}/refresh` });
      const fetch = clientOf(compose(fromFetch(), [auth(provider, { observer: (e) => events.push(e) })]));
      const error = await fetch(`${server.url}/api`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).status).toBe(status);
      expect((error as AuthError).message).toContain("[REDACTED]");
      expectNoSecrets(error, events, [REFRESH_TOKEN]);
    });

    it(`oauth2 refresh failure ${status} (refresh token, client secret and old access token echoed back)`, async () => {
      // Each round: the first mint succeeds, the API's 401 forces a refresh, and that refresh fails.
      let issued = "";
      const server = await serve((arrival, res) => {
        if (arrival.path === "/token") {
          if (issued) {
            return json(res, status, {
              error: "invalid_grant",
              error_description: `${arrival.body} old=${issued} auth=${arrival.headers.authorization}`,
            });
          }
          issued = `at-KNOWN-SECRET-${Math.random().toString(36).slice(2)}`;
          return json(res, 200, { access_token: issued, expires_in: 600, refresh_token: OAUTH_REFRESH });
        }
        json(res, 401, { message: `token ${arrival.headers.authorization} revoked` });
      });
      const events: MiddlewareEvent[] = [];
      for (const clientAuth of ["body", "basic"] as const) {
        issued = "";
        const provider = oauth2({
          tokenUrl: `${server.url}/token`,
          clientId: "client-id",
          clientSecret: CLIENT_SECRET,
          clientAuth,
          refreshToken: OAUTH_REFRESH,
          minIntervalMs: 0,
        });
        const fetch = clientOf(compose(fromFetch(), [auth(provider, { observer: (e) => events.push(e) })]));
        const error = await fetch(`${server.url}/api`).catch((e: unknown) => e);
        expect(issued).toMatch(/^at-KNOWN-SECRET-/);
        expect(error).toBeInstanceOf(AuthError);
        expect((error as AuthError).status).toBe(status);
        expectNoSecrets(error, events, [
          OAUTH_REFRESH,
          CLIENT_SECRET,
          issued,
          Buffer.from(`client-id:${CLIENT_SECRET}`).toString("base64"),
        ]);
      }
    });
  }

  it("client_credentials failure with the secret in the form body", async () => {
    const server = await echoingTokenEndpoint(401);
    const provider = oauth2({ tokenUrl: `${server.url}/token`, clientId: "client-id", clientSecret: CLIENT_SECRET });
    const error = await clientOf(compose(fromFetch(), [auth(provider)]))(`${server.url}/api`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expectNoSecrets(error, [], [CLIENT_SECRET]);
  });

  it("malformed token answer that echoes the refresh token", async () => {
    const server = await serve((arrival, res) => json(res, 200, { token: arrival.query.get("token"), AccessTok: "x" }));
    const events: MiddlewareEvent[] = [];
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${server.url}/refresh` });
    const error = await clientOf(compose(fromFetch(), [auth(provider, { observer: (e) => events.push(e) })]))(
      `${server.url}/api`,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/"AccessToken"/);
    expectNoSecrets(error, events, [REFRESH_TOKEN]);
  });

  it("malformed answer that is not JSON", async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<html>${REFRESH_TOKEN}</html>`);
    });
    const provider = refreshExchange({
      refreshToken: REFRESH_TOKEN,
      tokenUrl: `${server.url}/refresh`,
      tokenIn: "body",
    });
    const error = await clientOf(compose(fromFetch(), [auth(provider)]))(`${server.url}/api`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not a JSON object/);
    expectNoSecrets(error, [], [REFRESH_TOKEN]);
  });

  it("network failure to the token URL (token in the query)", async () => {
    const server = await serve((_, res) => json(res, 200, {}));
    const closedUrl = server.url;
    await servers.pop()?.close();
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${closedUrl}/refresh` });
    const error = await clientOf(compose(fromFetch(), [auth(provider)]))(`${closedUrl}/api`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/failed: fetch failed: .*ECONNREFUSED/);
    expect((error as AuthError).url).toBe(`${closedUrl}/refresh?token=[REDACTED]`);
    expectNoSecrets(error, [], [REFRESH_TOKEN]);
  });

  it("a failing persist hook whose own error quotes the rotated refresh token", async () => {
    const rotated = "ort-ROTATED-SECRET-0f1e2d3c4b5a";
    const server = await serve((_, res) =>
      json(res, 200, { access_token: "at-rotation-0123456789", refresh_token: rotated }),
    );
    const provider = oauth2({
      tokenUrl: `${server.url}/token`,
      refreshToken: OAUTH_REFRESH,
      onRefreshToken: (token) => {
        throw new Error(`could not write ${token} to disk`);
      },
    });
    const error = await clientOf(compose(fromFetch(), [auth(provider)]))(`${server.url}/api`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String((error as Error).cause)).toContain("could not write [REDACTED] to disk");
    expectNoSecrets(error, [], [rotated, OAUTH_REFRESH, "at-rotation-0123456789"]);
  });

  it("sticky probe failures (HTTP and network) with a session cookie in the jar", async () => {
    let probes = 0;
    const server = await serve((arrival, res) => {
      if (arrival.path.endsWith("/isalive")) {
        probes++;
        if (probes === 1) return json(res, 200, "OK", { "set-cookie": `lb=${COOKIE_VALUE}; Path=/` });
        return json(
          res,
          503,
          { message: `cookie was ${arrival.headers.cookie}` },
          { "set-cookie": `lb=${COOKIE_VALUE}x; Path=/` },
        );
      }
      json(res, 409, { message: `unknown session ${arrival.headers.cookie}` });
    });
    const events: MiddlewareEvent[] = [];
    const layer = sticky({
      rule: { service: "/{service}/**", probe: "/{service}/isalive", lostStatuses: [409] },
      baseUrl: server.url,
      observer: (e) => events.push(e),
    });
    const fetch = clientOf(compose(fromFetch(), [layer]));
    const error = await fetch(`${server.url}/port/v1/a`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expectNoSecrets(error, events, [COOKIE_VALUE]);

    const unreachable = sticky({
      rule: { service: "/{service}/**", probe: "/{service}/isalive", lostStatuses: [] },
      baseUrl: "http://127.0.0.1:9",
    });
    const networkError = await clientOf(compose(fromFetch(), [unreachable]))("http://127.0.0.1:9/port/x", {
      headers: { cookie: `lb=${COOKIE_VALUE}` },
    }).catch((e: unknown) => e);
    expect(networkError).toBeInstanceOf(NetworkError);
    expectNoSecrets(networkError, [], [COOKIE_VALUE]);
  });

  it("a refused cross-origin redirect with API keys in headers and in the query", async () => {
    const other = await serve((_, res) => json(res, 200, {}));
    const origin = await serve((_, res) => {
      res.writeHead(302, { location: `${other.url}/landing?apikey=${API_KEY}` });
      res.end();
    });
    const provider = staticHeaders({
      headers: { "APCA-API-KEY-ID": "keyId", "APCA-API-SECRET-KEY": "secretKey" },
      credentials: { keyId: "PKREDACT00000001", secretKey: API_KEY },
    });
    const fetch = clientOf(compose(fromFetch(), [auth(provider), redirects({ crossOrigin: "refuse" })]));
    const error = await fetch(`${origin.url}/v2/account?apikey=${API_KEY}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expectNoSecrets(error, [], [API_KEY]);
    expect(other.arrivals).toHaveLength(0);
  });

  it("token events never carry a token", async () => {
    const server = await serve((arrival, res) =>
      arrival.path === "/refresh"
        ? json(res, 200, { AccessToken: jwtWith({ exp: Math.floor(Date.now() / 1000) + 600 }) })
        : json(res, 200, {}),
    );
    const events: MiddlewareEvent[] = [];
    const provider = refreshExchange({ refreshToken: REFRESH_TOKEN, tokenUrl: `${server.url}/refresh` });
    await clientOf(compose(fromFetch(), [auth(provider, { observer: (e) => events.push(e) })]))(`${server.url}/api`);
    const issued = server.arrivals.at(-1)?.headers.authorization?.slice(7) ?? "";
    expect(issued.length).toBeGreaterThan(20);
    expect(events.map((e) => e.type)).toEqual(["token.refresh", "token.refreshed"]);
    expect(JSON.stringify(events)).not.toContain(issued);
    expect(JSON.stringify(events)).not.toContain(REFRESH_TOKEN);
  });
});
