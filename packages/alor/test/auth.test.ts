/**
 * ALOR's token model end to end, with the real client against the simulator: one exchange serves many
 * calls, expiry (proactive, or a 401) causes exactly one refresh even under concurrency, a missing
 * refresh token is a ConfigError, and a refused one is an AuthError that never shows the secret.
 */
import { inspect } from "node:util";
import { AuthError, ConfigError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import { type AlorClientOptions, createAlorClient, unwrap } from "../src/index.js";
import { clientFor, simulator, sleep } from "./support.js";

describe("ALOR token lifecycle", () => {
  it("one token exchange serves many calls until expiry", async () => {
    const sim = await simulator();
    const { client, count } = clientFor(sim);
    for (let i = 0; i < 30; i++) await unwrap(client.GET("/md/v2/time"));
    await Promise.all(
      Array.from({ length: 120 }, () =>
        unwrap(
          client.GET("/md/v2/Clients/{exchange}/{portfolio}/summary", {
            params: { path: { exchange: "MOEX", portfolio: "D39004" } },
          }),
        ),
      ),
    );
    expect(sim.counters.tokenExchanges).toBe(1);
    expect(sim.counters.requests.getServerTime + sim.counters.requests.getPortfolioSummary).toBe(150);
    expect(sim.counters.unauthorized).toBe(0);
    expect(count("token.refresh")).toBe(1);
    // The same JWT on every call.
    const bearers = new Set(sim.arrivals.filter((a) => a.path !== "/refresh").map((a) => a.headers.authorization));
    expect(bearers.size).toBe(1);
  });

  it("a token past its expiry is refreshed exactly once, however many calls need it at that moment", async () => {
    // The manifest refreshes 30 s before `exp`, but never before half a token's life: a 2.4 s JWT goes
    // stale for the client after 1.2 s (refreshing 30 s early would mean a new token for every call).
    const sim = await simulator({ tokenLifetimeMs: 2_400 });
    const { client, events } = clientFor(sim);
    await unwrap(client.GET("/md/v2/time"));
    expect(sim.counters.tokenExchanges).toBe(1);
    await sleep(1_500);
    const times = await Promise.all(Array.from({ length: 40 }, () => unwrap(client.GET("/md/v2/time"))));
    expect(times).toHaveLength(40);
    expect(sim.counters.tokenExchanges).toBe(2);
    expect(sim.counters.unauthorized).toBe(0);
    const refreshes = events.filter((e) => e.type === "token.refresh");
    expect(refreshes).toEqual([
      { type: "token.refresh", provider: "refresh", reason: "initial" },
      { type: "token.refresh", provider: "refresh", reason: "expired" },
    ]);
  });

  it("a JWT the server stops accepting (401) is refreshed once for all concurrent calls, which are replayed", async () => {
    const sim = await simulator();
    const { client, count } = clientFor(sim);
    await unwrap(client.GET("/md/v2/time"));
    sim.revokeAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        unwrap(
          client.GET("/md/v2/Clients/{exchange}/{portfolio}/positions", {
            params: { path: { exchange: "MOEX", portfolio: "D39004" } },
          }),
        ),
      ),
    );
    expect(results.every((positions) => Array.isArray(positions))).toBe(true);
    expect(sim.counters.tokenExchanges).toBe(2);
    expect(sim.counters.unauthorized).toBeGreaterThanOrEqual(1);
    expect(count("token.refresh")).toBe(2);
  });

  it("a missing refresh token is a ConfigError naming credentials.refreshToken", () => {
    const base = { environment: "test", servers: { api: "http://127.0.0.1:9", oauth: "http://127.0.0.1:9" } } as const;
    for (const credentials of [{}, { refreshToken: "" }]) {
      const attempt = () => createAlorClient({ ...base, credentials } as AlorClientOptions);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/credentials\.refreshToken/);
    }
    expect(() => createAlorClient({ ...base } as unknown as AlorClientOptions)).toThrow(/credentials/);
  });

  it("a refresh token ALOR refuses (403 from /refresh) is an AuthError without the secret", async () => {
    const sim = await simulator();
    const secret = "alor-refresh-token-that-was-revoked-7f3a9c";
    const { client } = clientFor(sim, { credentials: { refreshToken: secret } });
    const error = await client.GET("/md/v2/time").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    const auth = error as AuthError;
    expect(auth.status).toBe(403);
    expect(auth.message).toMatch(
      /^refresh: token request POST http:\/\/127\.0\.0\.1:\d+\/refresh\?token=\[REDACTED\] answered 403/,
    );
    expect(auth.message).toContain("the refresh token is unknown, expired or revoked");
    for (const rendering of [auth.message, String(auth), JSON.stringify(auth), inspect(auth), auth.url ?? ""]) {
      expect(rendering).not.toContain(secret);
    }
    // Refused once, not hammered: the auth error is final, and the API was never called.
    expect(sim.counters.tokenRejections).toBe(1);
    expect(sim.counters.requests.getServerTime).toBe(0);
  });
});
