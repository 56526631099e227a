/**
 * Alpaca's stream refusals are typed errors that carry no secret: a bad key pair (market data and
 * trading), a feed whose connection is already taken (406), a plan without the feed (409) and too many
 * symbols (405).
 */
import { BrokerkitError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import {
  AlpacaConnectionLimitError,
  AlpacaInsufficientSubscriptionError,
  AlpacaStreamAuthError,
  AlpacaSymbolLimitError,
  alpacaMarketDataStream,
  alpacaTradingStream,
  createAlpacaMarketDataStream,
} from "../src/streams.js";
import { eventually, simulator, tradingClient } from "./support.js";

const WRONG_SECRET = "wrong-secret-0123456789abcdef";

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function expectNoSecret(error: unknown, ...secrets: string[]): void {
  expect(error).toBeInstanceOf(BrokerkitError);
  const texts = [String((error as Error).message), String((error as Error).stack), JSON.stringify(error)];
  for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
}

describe("alpaca stream errors", () => {
  it("a refused key pair is an AlpacaStreamAuthError on both streams, without the secret", async () => {
    const sim = await simulator();
    const rest = tradingClient(sim, { credentials: { keyId: sim.credentials.keyId, secretKey: WRONG_SECRET } });
    const data = alpacaMarketDataStream(rest, { reconnect: { maxAttempts: 0 } });
    const dataError = await failure(data.subscribe("trades", { trades: ["AAPL"] }).ready);
    expect(dataError).toBeInstanceOf(AlpacaStreamAuthError);
    expect(dataError).toMatchObject({ code: 402 });
    expectNoSecret(dataError, WRONG_SECRET);

    const trading = alpacaTradingStream(rest, { reconnect: { maxAttempts: 0 } });
    const tradingError = await failure(trading.subscribe("tradeUpdates", {}).ready);
    expect(tradingError).toBeInstanceOf(AlpacaStreamAuthError);
    expectNoSecret(tradingError, WRONG_SECRET);
    expect(sim.streams.counters.authFailures).toBe(2);
    await Promise.all([data.close(), trading.close()]);
  });

  it("a feed already connected elsewhere is an AlpacaConnectionLimitError (406), without the secret", async () => {
    const sim = await simulator();
    // Another program holds the account's one connection to the feed.
    const other = createAlpacaMarketDataStream(tradingClient(sim));
    await other.subscribe("trades", { trades: ["AAPL"] }).ready;
    const stream = alpacaMarketDataStream(tradingClient(sim), { reconnect: { maxAttempts: 0 } });
    const error = await failure(stream.subscribe("quotes", { quotes: ["AAPL"] }).ready);
    expect(error).toBeInstanceOf(AlpacaConnectionLimitError);
    expect(error).toMatchObject({ code: 406 });
    expectNoSecret(error, sim.credentials.secretKey);
    expect(sim.streams.counters.connectionLimitRefusals).toBe(1);
    // The refused socket is closed by the server; the other program's stays.
    expect(await eventually(() => sim.streams.counters.connections.data.current === 1)).toBe(true);
    await Promise.all([other.close(), stream.close()]);
  });

  it("a feed the plan lacks (409) and too many symbols (405) are typed too", async () => {
    const sim = await simulator({ streams: { feeds: ["/v2/iex"], symbolLimit: 2 } });
    const rest = tradingClient(sim);
    const sip = alpacaMarketDataStream(rest, { feed: "v2/sip", reconnect: { maxAttempts: 0 } });
    const sipError = await failure(sip.subscribe("trades", { trades: ["AAPL"] }).ready);
    expect(sipError).toBeInstanceOf(AlpacaInsufficientSubscriptionError);
    expectNoSecret(sipError, sim.credentials.secretKey);

    const iex = alpacaMarketDataStream(rest);
    await iex.subscribe("trades", { trades: ["AAPL", "MSFT"] }).ready;
    const limitError = await failure(iex.subscribe("quotes", { quotes: ["NVDA"] }).ready);
    expect(limitError).toBeInstanceOf(AlpacaSymbolLimitError);
    expect(limitError).toMatchObject({ code: 405, channel: "quotes" });
    // The refused subscription took nothing: the server still has the first one only.
    expect(sim.streams.subscriptions()[0]).toMatchObject({ trades: ["AAPL", "MSFT"], quotes: [] });
    await Promise.all([sip.close(), iex.close()]);
  });
});
