/** OAuth end to end: PKCE login, rotating refresh tokens persisted through the hook, and auth errors. */
import { inspect } from "node:util";
import { AuthError, ConfigError } from "@brokerkit/middleware";
import { afterEach, describe, expect, it } from "vitest";
import type { SaxoSimulator } from "../../testing/src/saxo/index.js";
import { completeSaxoLogin, createSaxoClient, startSaxoLogin } from "../src/index.js";
import { clientFor, simulator, stopSimulators } from "./helpers.js";

afterEach(stopSimulators);

/** What the simulator's /token answers to a refresh_token grant with `refreshToken`. */
async function refreshAtSimulator(
  sim: SaxoSimulator,
  refreshToken: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.servers.logon}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: sim.app.appKey }),
  });
  return { status: response.status, body: await response.json() };
}

/** The options of a PKCE login against the simulator's logon server. */
function loginOptions(sim: SaxoSimulator) {
  return {
    environment: "sim" as const,
    clientId: sim.app.appKey,
    redirectUri: sim.app.redirectUri,
    servers: { logon: sim.servers.logon },
  };
}

/** Plays the browser: follows the simulator's /authorize, which redirects at once as after a login. */
async function browse(url: string): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status).toBe(302);
  return response.headers.get("location") ?? "";
}

describe("PKCE login helper", () => {
  it("builds the authorize URL on the environment's logon server and exchanges the code for credentials", async () => {
    const sim = await simulator();
    const persisted: string[] = [];
    const login = startSaxoLogin({
      environment: "sim",
      clientId: sim.app.appKey,
      redirectUri: sim.app.redirectUri,
      servers: { logon: sim.servers.logon },
      onRefreshToken: (token) => {
        persisted.push(token);
      },
    });
    const url = new URL(login.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${sim.servers.logon}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: sim.app.appKey,
      redirect_uri: sim.app.redirectUri,
      state: login.state,
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("code_challenge")).not.toBe(login.codeVerifier);

    const credentials = await login.complete(await browse(login.url));

    expect(sim.counters.codeGrants).toBe(1);
    expect(credentials.clientId).toBe(sim.app.appKey);
    expect(credentials.accessToken).toMatch(/^ey/);
    expect(credentials.refreshToken).toBeTruthy();
    expect(credentials.accessTokenExpiresAt).toBeGreaterThan(Date.now());
    expect(credentials.refreshTokenExpiresAt).toBeGreaterThan(Date.now());

    const client = createSaxoClient({ environment: "sim", servers: sim.servers, credentials });
    const user = await client.GET("/port/v1/users/me");
    expect(user.response.status).toBe(200);
    expect(user.data?.Name).toBeTruthy();
    expect(sim.counters.refreshGrants).toBe(0); // the login's access token was used as it is

    sim.expireAccessTokens();
    expect((await client.GET("/port/v1/users/me")).response.status).toBe(200);
    expect(persisted).toHaveLength(1); // the hook given to the login reached the client
  });

  it("defaults to Saxo's logon servers per environment", () => {
    const options = { clientId: "app", redirectUri: "https://example.test/cb" };
    expect(startSaxoLogin({ environment: "sim", ...options }).url).toMatch(
      /^https:\/\/sim\.logonvalidation\.net\/authorize\?/,
    );
    expect(startSaxoLogin({ environment: "live", ...options }).url).toMatch(
      /^https:\/\/live\.logonvalidation\.net\/authorize\?/,
    );
  });

  it("rejects a redirect with another state, an error, or no code; and names missing options", async () => {
    const sim = await simulator();
    const options = loginOptions(sim);
    const login = startSaxoLogin(options);
    const redirect = new URL(await browse(login.url));
    redirect.searchParams.set("state", "forged");
    await expect(login.complete(redirect)).rejects.toThrow(/"state" does not match/);
    await expect(login.complete("?error=access_denied&error_description=User%20cancelled")).rejects.toThrow(
      /answered "access_denied" \(User cancelled\)/,
    );
    await expect(login.complete(`?state=${login.state}`)).rejects.toThrow(AuthError);
    expect(sim.counters.codeGrants).toBe(0);

    expect(() => startSaxoLogin({ ...options, clientId: "" })).toThrow(/options\.clientId is required/);
    expect(() => startSaxoLogin({ ...options, redirectUri: undefined as unknown as string })).toThrow(ConfigError);
  });

  it("completes a login started elsewhere from the redirect, state and verifier kept; checks its options first", async () => {
    const sim = await simulator();
    const options = loginOptions(sim);
    // The first half, in another process: only the URL, state and verifier travel.
    const { url, state, codeVerifier } = startSaxoLogin(options);
    const redirect = await browse(url);

    await expect(completeSaxoLogin({ ...options, redirectUri: "" }, { redirect, state, codeVerifier })).rejects.toThrow(
      /options\.redirectUri is required/,
    );
    expect(sim.counters.codeGrants).toBe(0);

    const credentials = await completeSaxoLogin(options, { redirect, state, codeVerifier });
    expect(sim.counters.codeGrants).toBe(1);
    expect(credentials).toMatchObject({ clientId: sim.app.appKey, accessToken: expect.stringMatching(/^ey/) });
    const client = createSaxoClient({ environment: "sim", servers: sim.servers, credentials });
    expect((await client.GET("/port/v1/users/me")).response.status).toBe(200);
  });
});

describe("rotating refresh tokens", () => {
  it("persists every rotated refresh token through the hook; the old one stops working at Saxo", async () => {
    const sim = await simulator();
    const first = sim.issueTokens().refresh_token;
    const persisted: string[] = [];
    const client = createSaxoClient({
      environment: "sim",
      servers: sim.servers,
      credentials: {
        clientId: sim.app.appKey,
        refreshToken: first,
        onRefreshToken: (token) => {
          persisted.push(token);
        },
      },
    });

    // No access token yet: the first call refreshes, which rotates the refresh token.
    expect((await client.GET("/port/v1/accounts/me")).response.status).toBe(200);
    expect(persisted).toHaveLength(1);
    expect(persisted[0]).not.toBe(first);
    expect(await refreshAtSimulator(sim, first)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    // The access token expires: a 401, one refresh, one more rotation, and the call is replayed.
    sim.expireAccessTokens();
    expect((await client.GET("/port/v1/balances/me")).response.status).toBe(200);
    expect(persisted).toHaveLength(2);
    expect(sim.counters.refreshGrants).toBe(2);
    expect(await refreshAtSimulator(sim, persisted[0] as string)).toMatchObject({ status: 400 });

    // A restarted process continues the session from the last persisted token.
    const restarted = createSaxoClient({
      environment: "sim",
      servers: sim.servers,
      credentials: { clientId: sim.app.appKey, refreshToken: persisted[1] as string },
    });
    expect((await restarted.GET("/port/v1/users/me")).response.status).toBe(200);
  });

  it("fails with an AuthError that does not reveal the refresh token when it has expired", async () => {
    const sim = await simulator({ refreshTokenTtlMs: 100 });
    const { refresh_token: refreshToken } = sim.issueTokens();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const client = createSaxoClient({
      environment: "sim",
      servers: sim.servers,
      credentials: { clientId: sim.app.appKey, refreshToken },
    });

    const error = await client.GET("/port/v1/accounts/me").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(AuthError);
    const text = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
    expect(text).toContain("400");
    expect(text).toContain("expired");
    expect(text).not.toContain(refreshToken);
    expect(sim.counters.rejectedTokenRequests).toBe(1);
  });
});

describe("configuration errors", () => {
  it("names the missing credential field, never a value", async () => {
    const sim = await simulator();
    const secret = sim.issueTokens().refresh_token;
    const make = (credentials: unknown) => () =>
      createSaxoClient({ environment: "sim", servers: sim.servers, credentials: credentials as never });

    expect(make({ refreshToken: secret })).toThrow(ConfigError);
    expect(make({ refreshToken: secret })).toThrow(/credentials\.clientId/);
    let message = "";
    try {
      make({ refreshToken: secret })();
    } catch (error) {
      message = String(error);
    }
    expect(message).not.toContain(secret);
    expect(make({ clientId: sim.app.appKey })).toThrow(/credentials\.(refreshToken|accessToken)/);
    expect(make(undefined)).toThrow(/options\.credentials is required/);
    expect(() =>
      createSaxoClient({ environment: "paper" as never, credentials: { clientId: "a", accessToken: "b" } }),
    ).toThrow(/unknown environment "paper".*sim, live/);
  });
});

describe("a static access token", () => {
  it("{ clientId, accessToken } works as a bearer token, never refreshed; its 401 comes back as it is", async () => {
    const sim = await simulator();
    const { access_token: accessToken } = sim.issueTokens();
    const client = createSaxoClient({
      environment: "sim",
      servers: sim.servers,
      credentials: { clientId: sim.app.appKey, accessToken },
    });
    expect((await client.GET("/port/v1/users/me")).response.status).toBe(200);
    sim.expireAccessTokens();
    const expired = await client.GET("/port/v1/users/me");
    expect(expired.response.status).toBe(401);
    expect(sim.counters.tokenRequests).toBe(0);
  });
});

describe("a session opened elsewhere", () => {
  it("uses a given access token until it expires, then refreshes once", async () => {
    const sim = await simulator();
    const { client, events } = clientFor(sim);
    await client.GET("/port/v1/users/me");
    expect(sim.counters.refreshGrants).toBe(0);
    sim.expireAccessTokens();
    await Promise.all([client.GET("/port/v1/users/me"), client.GET("/port/v1/balances/me")]);
    expect(sim.counters.refreshGrants).toBe(1);
    expect(events.filter((e) => e.type === "token.refreshed")).toHaveLength(1);
  });
});
