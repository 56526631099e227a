/**
 * Test support: the Binance simulator (stopped after each test) and the generated client pointed at it,
 * with every middleware event recorded.
 */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { afterEach } from "vitest";
import {
  type BinanceSimulator,
  type BinanceSimulatorOptions,
  startBinanceSimulator,
} from "../../testing/src/binance/index.js";
import { createSpotClient, type SpotClient, type SpotClientOptions } from "../src/index.js";

const running: BinanceSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

export async function simulator(options?: BinanceSimulatorOptions): Promise<BinanceSimulator> {
  const sim = await startBinanceSimulator(options);
  running.push(sim);
  return sim;
}

export function clientFor(
  sim: BinanceSimulator,
  overrides: Partial<SpotClientOptions> = {},
): { client: SpotClient; events: MiddlewareEvent[] } {
  const events: MiddlewareEvent[] = [];
  const client = createSpotClient({
    environment: "testnet",
    credentials: { apiKey: sim.apiKey, secretKey: sim.secretKey },
    servers: { api: sim.url },
    observer: (event) => events.push(event),
    ...overrides,
  });
  return { client, events };
}

/** The most weight in any half-open window [t, t + windowMs) over the calls a server accepted. */
export function maxWeightInWindow(calls: readonly { at: number; weight: number }[], windowMs: number): number {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let start = 0;
  for (const call of sorted) {
    sum += call.weight;
    while (call.at - (sorted[start] as { at: number }).at >= windowMs)
      sum -= (sorted[start++] as { weight: number }).weight;
    best = Math.max(best, sum);
  }
  return best;
}
