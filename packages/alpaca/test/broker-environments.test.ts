import { describe, expect, it } from "vitest";
import { config } from "../src/generated/broker/config.js";

// Alpaca Europe runs its own Broker API and token hosts; a client created with an EU environment
// must not talk to the US cluster.
describe("Alpaca Europe Broker API environments", () => {
  it("points eu-live at the EU production broker and authx hosts", () => {
    expect(config.environments["eu-live"]?.servers).toMatchObject({
      broker: "https://broker-api.eu.alpaca.markets",
      authx: "https://authx.eu.alpaca.markets",
    });
  });

  it("points eu-sandbox at the EU sandbox broker and authx hosts", () => {
    expect(config.environments["eu-sandbox"]?.servers).toMatchObject({
      broker: "https://broker-api.sandbox.eu.alpaca.markets",
      authx: "https://authx.sandbox.eu.alpaca.markets",
    });
  });
});
