/**
 * Every way the manifest lets a client authenticate, against the simulator: Trading and Market Data with
 * the key-pair headers or an OAuth bearer token, the Broker API with HTTP Basic or client credentials (a
 * token minted once, refreshed after it expires). Rejected credentials never appear in errors.
 */
import { inspect } from "node:util";
import { HttpError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import { getLegacyClock } from "../src/trading.js";
import { brokerClient, marketDataClient, recorder, simulator, tradingClient } from "./support.js";

describe("Trading and Market Data credentials", () => {
  it("send the key pair as APCA-API-KEY-ID / APCA-API-SECRET-KEY", async () => {
    const sim = await simulator();
    const { data } = await tradingClient(sim).GET("/v2/account");
    expect(data?.id).toBe(sim.tradingAccountId);
    const { data: latest } = await marketDataClient(sim).GET("/v2/stocks/{symbol}/quotes/latest", {
      params: { path: { symbol: "AAPL" } },
    });
    expect(latest?.symbol).toBe("AAPL");
    for (const arrival of sim.arrivals) {
      expect(arrival.headers["apca-api-key-id"]).toBe(sim.credentials.keyId);
      expect(arrival.headers["apca-api-secret-key"]).toBe(sim.credentials.secretKey);
      expect(arrival.headers.authorization).toBeUndefined();
    }
  });

  it("send an OAuth access token as a bearer", async () => {
    const sim = await simulator();
    const client = tradingClient(sim, { credentials: { accessToken: sim.credentials.oauthToken as string } });
    const { data } = await client.GET("/v2/account");
    expect(data?.id).toBe(sim.tradingAccountId);
    expect(sim.arrivals[0]?.headers.authorization).toBe(`Bearer ${sim.credentials.oauthToken}`);
    expect(sim.arrivals[0]?.headers["apca-api-key-id"]).toBeUndefined();
  });

  it("a wrong secret is refused (Alpaca: 403) and the error never shows it", async () => {
    const sim = await simulator();
    const secretKey = "definitely-not-the-secret-0042";
    const client = tradingClient(sim, { credentials: { keyId: sim.credentials.keyId, secretKey } });
    const { error, response } = await client.GET("/v2/account");
    expect(response.status).toBe(403);
    expect(JSON.stringify(error)).not.toContain(secretKey);
    const thrown = await getLegacyClock(client).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(HttpError);
    expect((thrown as HttpError).status).toBe(403);
    expect((thrown as Error).message).toMatch(/^GET \/v2\/clock: HTTP 403 forbidden/);
    for (const text of [String(thrown), JSON.stringify(thrown), inspect(thrown)]) expect(text).not.toContain(secretKey);
  });
});

describe("Broker API credentials", () => {
  it("send the partner key and secret as HTTP Basic", async () => {
    const sim = await simulator();
    const { data } = await brokerClient(sim).GET("/v1/accounts/{account_id}", {
      params: { path: { account_id: sim.brokerAccountId } },
    });
    expect(data?.id).toBe(sim.brokerAccountId);
    const expected = Buffer.from(`${sim.credentials.brokerKey}:${sim.credentials.brokerSecret}`).toString("base64");
    expect(sim.arrivals[0]?.headers.authorization).toBe(`Basic ${expected}`);
  });

  it("exchange client credentials for a token once, and again after it expired", async () => {
    const sim = await simulator();
    const events = recorder();
    const client = brokerClient(sim, {
      credentials: { clientId: sim.credentials.brokerKey, clientSecret: sim.credentials.brokerSecret },
      observer: events.observer,
    });
    for (let i = 0; i < 5; i++) {
      const { data } = await client.GET("/v1/accounts");
      expect(data?.map((a) => a.id)).toEqual([sim.brokerAccountId]);
    }
    expect(sim.counters.tokensIssued).toBe(1);

    sim.expireTokens();
    const { data } = await client.GET("/v1/accounts");
    expect(data).toHaveLength(1);
    expect(sim.counters.tokensIssued).toBe(2);
    expect(sim.counters.unauthorized).toBe(1);
    expect(
      events.events.filter((e) => e.type === "token.refresh").map((e) => (e as { reason: string }).reason),
    ).toEqual(["initial", "401"]);
    const bearer = sim.arrivals.filter((a) => a.path === "/v1/accounts").map((a) => String(a.headers.authorization));
    expect(bearer.every((h) => h.startsWith("Bearer "))).toBe(true);
    for (const event of events.events) expect(JSON.stringify(event)).not.toContain(sim.credentials.brokerSecret);
  });
});
