/**
 * Binance's budget is 6000 weight per minute; filling it takes a minute of waiting, so the weighted-limit
 * tests scale the windows down (60 weight per 1 s and 120 per 3 s, the same rules on both sides) and keep
 * everything else of the generated config: weights, the IP scope, the used-weight header, the 418 ban.
 */
import { type ApiConfig, createBrokerClient, type MiddlewareEvent, type RateLimitRule } from "@brokerkit/middleware";
import type { BinanceSimulator } from "../../testing/src/binance/index.js";
import { type SpotPaths, spotConfig } from "../src/index.js";

export const SCALED_WINDOWS = [
  { intervalMs: 1000, limit: 60, label: "1S" },
  { intervalMs: 3000, limit: 120, label: "3S" },
];

/** The generated config with its weight rule replaced by the scaled windows. */
export function scaledConfig(): ApiConfig {
  const weight = spotConfig.rateLimits.find((rule) => rule.name === "weight") as RateLimitRule;
  const scaled: RateLimitRule[] = [
    { ...weight, name: "weight-1s", limit: 60, intervalMs: 1000, headers: { used: "X-MBX-USED-WEIGHT-1S" } },
    { ...weight, name: "weight-3s", limit: 120, intervalMs: 3000, headers: {} },
  ];
  return { ...spotConfig, rateLimits: [...scaled, ...spotConfig.rateLimits.filter((rule) => rule !== weight)] };
}

export function scaledClient(sim: BinanceSimulator, extra: Record<string, unknown> = {}) {
  const events: MiddlewareEvent[] = [];
  const client = createBrokerClient<SpotPaths>(scaledConfig(), {
    environment: "testnet",
    credentials: { apiKey: sim.apiKey, secretKey: sim.secretKey },
    servers: { api: sim.url },
    observer: (event) => events.push(event),
    ...extra,
  });
  return { client, events };
}

/** A mixed burst: 60 calls of weight 1 to 20, 384 weight in all, signed and unsigned. */
export function burst(client: ReturnType<typeof scaledClient>["client"]) {
  const calls: Promise<{ response: Response }>[] = [];
  for (let i = 0; i < 12; i++) {
    calls.push(client.GET("/api/v3/depth", { params: { query: { symbol: "BTCUSDT", limit: 10 } } })); // 5
    calls.push(client.GET("/api/v3/klines", { params: { query: { symbol: "ETHUSDT", interval: "1h", limit: 2 } } })); // 2
    calls.push(client.GET("/api/v3/ticker/price", { params: { query: { symbol: "BNBBTC" } } })); // 4
    calls.push(client.GET("/api/v3/ping")); // 1
    calls.push(client.GET(i % 2 ? "/api/v3/exchangeInfo" : "/api/v3/account")); // 20
  }
  return Promise.all(calls);
}
