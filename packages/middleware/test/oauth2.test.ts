import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildAuthorizeUrl,
  createAuthorizationRequest,
  createPkcePair,
  exchangeAuthorizationCode,
  oauth2,
} from "../src/auth/index.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch } from "../src/compose.js";
import { AuthError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { type Arrival, clientOf, delay, json, type LocalServer, startLocalServer } from "./support/local-server.js";

const CLIENT_ID = "saxo-app-client-id";
const CLIENT_SECRET = "saxo-app-client-secret-5f6e7d8c";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface OAuthServerOptions {
  expiresIn?: number | string;
  rotate?: boolean;
  /** Omit access_token from the answer. */
  malformed?: boolean;
}

/**
 * A Saxo-like authorization server: rotating refresh tokens (each usable once), client_credentials,
 * authorization_code with PKCE (S256), and an API that accepts only live access tokens.
 */
async function startOAuthServer(options: OAuthServerOptions = {}) {
  let counter = 0;
  const liveRefresh = new Set<string>(["refresh-token-0-abcdef"]);
  const liveAccess = new Set<string>();
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokenRequests: URLSearchParams[] = [];
  const tokenArrivals: Arrival[] = [];
  const issue = (res: Parameters<typeof json>[0], withRefresh: boolean) => {
    counter++;
    const accessToken = `access-token-${counter}-${Math.random().toString(36).slice(2)}`;
    liveAccess.add(accessToken);
    const answer: Record<string, unknown> = { token_type: "Bearer", expires_in: options.expiresIn ?? 1200 };
    if (!options.malformed) answer.access_token = accessToken;
    if (withRefresh) {
      const refreshToken = `refresh-token-${counter}-${Math.random().toString(36).slice(2)}`;
      liveRefresh.add(refreshToken);
      answer.refresh_token = refreshToken;
      answer.refresh_token_expires_in = 3600;
    }
    json(res, 201, answer);
  };
  const server = await startLocalServer((arrival, res) => {
    if (arrival.path === "/token") {
      tokenArrivals.push(arrival);
      const form = new URLSearchParams(arrival.body);
      tokenRequests.push(form);
      if (arrival.headers["content-type"] !== "application/x-www-form-urlencoded") return json(res, 415, {});
      const basicAuth = arrival.headers.authorization;
      // Confidential clients prove the secret (form or Basic); PKCE apps are public: client_id alone.
      const secret = form.get("client_secret");
      const confidential =
        (form.get("client_id") === CLIENT_ID && secret === CLIENT_SECRET) ||
        basicAuth === `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
      const clientOk = confidential || (form.get("client_id") === CLIENT_ID && secret === null && !basicAuth);
      switch (form.get("grant_type")) {
        case "refresh_token": {
          const given = form.get("refresh_token") ?? "";
          if (!clientOk || !liveRefresh.has(given)) return json(res, 401, { error: "invalid_grant" });
          if (options.rotate !== false) liveRefresh.delete(given);
          return issue(res, options.rotate !== false);
        }
        case "client_credentials":
          if (!confidential) return json(res, 401, { error: "invalid_client" });
          return issue(res, false);
        case "authorization_code": {
          const grant = codes.get(form.get("code") ?? "");
          const verifier = form.get("code_verifier") ?? "";
          const challenge = createHash("sha256").update(verifier).digest("base64url");
          if (!clientOk || !grant || grant.challenge !== challenge || grant.redirectUri !== form.get("redirect_uri")) {
            return json(res, 400, { error: "invalid_grant" });
          }
          codes.delete(form.get("code") ?? "");
          return issue(res, true);
        }
        default:
          return json(res, 400, { error: "unsupported_grant_type" });
      }
    }
    if (arrival.path === "/authorize") {
      // Stands in for the user's login: remembers the challenge and hands out a code.
      const code = `code-${codes.size + 1}`;
      codes.set(code, {
        challenge: arrival.query.get("code_challenge") ?? "",
        redirectUri: arrival.query.get("redirect_uri") ?? "",
      });
      res.writeHead(302, {
        location: `${arrival.query.get("redirect_uri")}?code=${code}&state=${arrival.query.get("state")}`,
      });
      return res.end();
    }
    const token = arrival.headers.authorization?.replace(/^Bearer /, "") ?? "";
    json(res, liveAccess.has(token) ? 200 : 401, {});
  });
  servers.push(server);
  return { url: server.url, tokenRequests, tokenArrivals, liveAccess, liveRefresh };
}

describe("oauth2 provider", () => {
  it("refresh_token grant: rotation calls the persist hook, and the next refresh uses the new token", async () => {
    const sim = await startOAuthServer({ expiresIn: 1 });
    const persisted: { token: string; expiresAt: number | undefined }[] = [];
    const events: MiddlewareEvent[] = [];
    const provider = oauth2({
      tokenUrl: `${sim.url}/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: "refresh-token-0-abcdef",
      onRefreshToken: (token, expiresAt) => {
        persisted.push({ token, expiresAt });
      },
      // expires_in is 1 s; a 900 ms skew is more than half of that, so the token is refreshed at half-life (500 ms).
      skewMs: 900,
      minIntervalMs: 0,
      observer: (e) => events.push(e),
    });
    const fetch = clientOf(compose(fromFetch(), [auth(provider)]));
    expect((await fetch(`${sim.url}/port/v1/accounts/me`)).status).toBe(200);
    expect(sim.tokenRequests[0]?.get("grant_type")).toBe("refresh_token");
    expect(sim.tokenRequests[0]?.get("refresh_token")).toBe("refresh-token-0-abcdef");
    expect(sim.tokenRequests[0]?.get("client_id")).toBe(CLIENT_ID);
    expect(sim.tokenRequests[0]?.get("client_secret")).toBe(CLIENT_SECRET);
    expect(persisted).toHaveLength(1);
    expect(persisted[0]?.token).toMatch(/^refresh-token-1-/);
    expect(persisted[0]?.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);

    await delay(700);
    expect((await fetch(`${sim.url}/port/v1/accounts/me`)).status).toBe(200);
    expect(sim.tokenRequests).toHaveLength(2);
    expect(sim.tokenRequests[1]?.get("refresh_token")).toBe(persisted[0]?.token);
    expect(persisted).toHaveLength(2);
    expect(persisted[1]?.token).toMatch(/^refresh-token-2-/);
    expect(events.filter((e) => e.type === "token.refresh").map((e) => "reason" in e && e.reason)).toEqual([
      "initial",
      "expired",
    ]);
    expect(JSON.stringify(events)).not.toContain("refresh-token-");
  });

  it("does not call the hook when the server keeps the refresh token", async () => {
    const sim = await startOAuthServer({ rotate: false });
    const persisted: string[] = [];
    const provider = oauth2({
      tokenUrl: `${sim.url}/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: "refresh-token-0-abcdef",
      onRefreshToken: (token) => {
        persisted.push(token);
      },
      minIntervalMs: 0,
    });
    const fetch = clientOf(compose(fromFetch(), [auth(provider)]));
    expect((await fetch(`${sim.url}/a`)).status).toBe(200);
    sim.liveAccess.clear(); // a 401 forces a second refresh with the same refresh token
    expect((await fetch(`${sim.url}/a`)).status).toBe(200);
    expect(sim.tokenRequests.map((f) => f.get("refresh_token"))).toEqual([
      "refresh-token-0-abcdef",
      "refresh-token-0-abcdef",
    ]);
    expect(persisted).toEqual([]);
  });

  it("a failing persist hook fails that call with AuthError, but the rotated tokens stay current", async () => {
    const sim = await startOAuthServer();
    let fail = true;
    const provider = oauth2({
      tokenUrl: `${sim.url}/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: "refresh-token-0-abcdef",
      onRefreshToken: () => {
        if (fail) throw new Error("disk full");
      },
    });
    const fetch = clientOf(compose(fromFetch(), [auth(provider)]));
    await expect(fetch(`${sim.url}/a`)).rejects.toThrow(/onRefreshToken failed to persist/);
    fail = false;
    expect((await fetch(`${sim.url}/a`)).status).toBe(200);
    expect(sim.tokenRequests).toHaveLength(1);
  });

  it("client_credentials grant (Alpaca Broker), client secret in the body or as Basic auth", async () => {
    const sim = await startOAuthServer();
    for (const clientAuth of ["body", "basic"] as const) {
      const provider = oauth2({
        tokenUrl: `${sim.url}/token`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        clientAuth,
        scope: "broker",
      });
      const fetch = clientOf(compose(fromFetch(), [auth(provider)]));
      expect((await fetch(`${sim.url}/v1/accounts`)).status).toBe(200);
      expect((await fetch(`${sim.url}/v1/accounts`)).status).toBe(200);
    }
    expect(sim.tokenRequests.map((f) => f.get("grant_type"))).toEqual(["client_credentials", "client_credentials"]);
    expect(sim.tokenRequests.map((f) => f.get("scope"))).toEqual(["broker", "broker"]);
    expect(sim.tokenRequests[0]?.get("client_secret")).toBe(CLIENT_SECRET);
    expect(sim.tokenRequests[1]?.has("client_secret")).toBe(false);
    expect(sim.tokenArrivals[1]?.headers.authorization).toMatch(/^Basic /);
  });

  it("a plain accessToken is a static bearer: no refresh, no replay", async () => {
    const sim = await startOAuthServer();
    const provider = oauth2({ accessToken: "static-oauth-access-token-xyz" });
    expect(provider.kind).toBe("oauth2");
    expect(provider.onUnauthorized).toBeUndefined();
    const fetch = clientOf(compose(fromFetch(), [auth(provider)]));
    expect((await fetch(`${sim.url}/a`)).status).toBe(401);
    expect(sim.tokenRequests).toHaveLength(0);
  });

  it("a malformed token answer is an AuthError naming the field", async () => {
    const missing = await startOAuthServer({ malformed: true });
    const fetchA = clientOf(
      compose(fromFetch(), [
        auth(oauth2({ tokenUrl: `${missing.url}/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })),
      ]),
    );
    await expect(fetchA(`${missing.url}/a`)).rejects.toThrow(
      /no non-empty string field "access_token" \(got nothing\)/,
    );
    const badExpiry = await startOAuthServer({ expiresIn: "soon" });
    const fetchB = clientOf(
      compose(fromFetch(), [
        auth(oauth2({ tokenUrl: `${badExpiry.url}/token`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })),
      ]),
    );
    const error = await fetchB(`${badExpiry.url}/a`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/invalid "expires_in"/);
    expect((error as AuthError).message).toContain(`${badExpiry.url}/token`);
  });
});

describe("authorization code + PKCE", () => {
  it("creates a valid S256 verifier/challenge pair", () => {
    const pair = createPkcePair();
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.challenge).toBe(createHash("sha256").update(pair.verifier).digest("base64url"));
    expect(pair.method).toBe("S256");
    expect(createPkcePair().verifier).not.toBe(pair.verifier);
  });

  it("builds the authorize URL with every parameter", () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizeUrl: "https://sim.logonvalidation.net/authorize",
        clientId: CLIENT_ID,
        redirectUri: "http://127.0.0.1:5000/callback",
        state: "state-123",
        codeChallenge: "challenge-abc",
        scope: "openapi",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://sim.logonvalidation.net/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: "http://127.0.0.1:5000/callback",
      state: "state-123",
      code_challenge: "challenge-abc",
      code_challenge_method: "S256",
      scope: "openapi",
    });
  });

  it("runs the flow end to end: authorize, exchange the code, then refresh with the returned refresh token", async () => {
    const sim = await startOAuthServer();
    const redirectUri = "http://127.0.0.1:5000/callback";
    const request = createAuthorizationRequest({
      authorizeUrl: `${sim.url}/authorize`,
      clientId: CLIENT_ID,
      redirectUri,
    });
    expect(new URL(request.url).searchParams.get("state")).toBe(request.state);
    // The "browser" follows the authorize URL; the server redirects back with code and state.
    const login = await fetch(request.url, { redirect: "manual" });
    const callback = new URL(login.headers.get("location") ?? "");
    expect(callback.searchParams.get("state")).toBe(request.state);
    const tokens = await exchangeAuthorizationCode({
      tokenUrl: `${sim.url}/token`,
      clientId: CLIENT_ID,
      code: callback.searchParams.get("code") ?? "",
      redirectUri,
      codeVerifier: request.codeVerifier,
    });
    expect(tokens.accessToken).toMatch(/^access-token-1-/);
    expect(tokens.refreshToken).toMatch(/^refresh-token-1-/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
    expect(sim.tokenRequests[0]?.get("code_verifier")).toBe(request.codeVerifier);

    const provider = oauth2({ tokenUrl: `${sim.url}/token`, clientId: CLIENT_ID, initial: tokens, minIntervalMs: 0 });
    const api = clientOf(compose(fromFetch(), [auth(provider)]));
    expect((await api(`${sim.url}/port/v1/balances/me`)).status).toBe(200);
    expect(sim.tokenRequests).toHaveLength(1); // the exchanged token was used as is
    sim.liveAccess.clear();
    expect((await api(`${sim.url}/port/v1/balances/me`)).status).toBe(200);
    expect(sim.tokenRequests[1]?.get("refresh_token")).toBe(tokens.refreshToken);
  });

  it("a wrong verifier is refused by the server and surfaces as AuthError 400", async () => {
    const sim = await startOAuthServer();
    const redirectUri = "http://127.0.0.1:5000/callback";
    const request = createAuthorizationRequest({
      authorizeUrl: `${sim.url}/authorize`,
      clientId: CLIENT_ID,
      redirectUri,
    });
    const login = await fetch(request.url, { redirect: "manual" });
    const code = new URL(login.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const error = await exchangeAuthorizationCode({
      tokenUrl: `${sim.url}/token`,
      clientId: CLIENT_ID,
      code,
      redirectUri,
      codeVerifier: createPkcePair().verifier,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(400);
    expect((error as AuthError).message).toContain("(invalid_grant)");
  });
});
