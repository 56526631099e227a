/**
 * Shared by the end-to-end tests: a simulator per test (closed afterwards), clients of each API pointed at
 * it with every server key, and an observer that records middleware events.
 */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { afterEach } from "vitest";
import {
  type AlpacaSimulator,
  type AlpacaSimulatorOptions,
  startAlpacaSimulator,
} from "../../testing/src/alpaca/index.js";
import { type BrokerClientOptions, createBrokerClient } from "../src/broker.js";
import { createMarketDataClient, type MarketDataClientOptions } from "../src/market-data.js";
import { createTradingClient, type TradingClientOptions } from "../src/trading.js";

const running: AlpacaSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

export async function simulator(options: AlpacaSimulatorOptions = {}): Promise<AlpacaSimulator> {
  const sim = await startAlpacaSimulator(options);
  running.push(sim);
  return sim;
}

export const serversOf = (sim: AlpacaSimulator) => ({
  trading: sim.url,
  data: sim.url,
  broker: sim.url,
  authx: sim.url,
  dataStream: sim.streams.dataUrl,
  tradingStream: sim.streams.tradingUrl,
});

/** Polls `condition` every 10 ms, at most `tries` times; true once it holds. */
export async function eventually(condition: () => boolean, tries = 300): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

export interface Recorder {
  events: MiddlewareEvent[];
  observer: (event: MiddlewareEvent) => void;
  count(type: MiddlewareEvent["type"]): number;
}

export function recorder(): Recorder {
  const events: MiddlewareEvent[] = [];
  return {
    events,
    observer: (event) => events.push(event),
    count: (type) => events.filter((e) => e.type === type).length,
  };
}

type Extra<Options> = Partial<Omit<Options, "environment">>;

export function tradingClient(sim: AlpacaSimulator, extra: Extra<TradingClientOptions> = {}) {
  return createTradingClient({
    environment: "paper",
    credentials: { keyId: sim.credentials.keyId, secretKey: sim.credentials.secretKey },
    ...extra,
    servers: { ...serversOf(sim), ...extra.servers },
  });
}

export function marketDataClient(sim: AlpacaSimulator, extra: Extra<MarketDataClientOptions> = {}) {
  return createMarketDataClient({
    environment: "paper",
    credentials: { keyId: sim.credentials.keyId, secretKey: sim.credentials.secretKey },
    ...extra,
    servers: { ...serversOf(sim), ...extra.servers },
  });
}

export function brokerClient(sim: AlpacaSimulator, extra: Extra<BrokerClientOptions> = {}) {
  return createBrokerClient({
    environment: "broker-sandbox",
    credentials: { username: sim.credentials.brokerKey, password: sim.credentials.brokerSecret },
    ...extra,
    servers: { ...serversOf(sim), ...extra.servers },
  });
}

/** A limit order that rests until filled (market orders fill at once in the simulator). */
export const limitOrder = (extra: Record<string, string> = {}) => ({
  symbol: "AAPL",
  qty: "1",
  side: "buy" as const,
  type: "limit" as const,
  limit_price: "150",
  time_in_force: "day" as const,
  ...extra,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
