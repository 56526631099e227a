import { describe, expect, it } from "vitest";
import { config as brokerConfig } from "../src/generated/broker/config.js";
import { config as tradingConfig } from "../src/generated/trading/config.js";

// The Broker API has its own, larger budget; it must not inherit Trading's 200 per minute.
describe("Broker API rate limit", () => {
  it("is 1,000 per minute, separate from Trading's 200", () => {
    expect(brokerConfig.rateLimits).toEqual([{ name: "broker-partner", limit: 1000, intervalMs: 60_000 }]);
    expect(tradingConfig.rateLimits).toEqual([{ name: "per-account", limit: 200, intervalMs: 60_000 }]);
  });
});
