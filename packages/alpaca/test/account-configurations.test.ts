/**
 * Account settings (/v2/account/configurations) through the generated Trading client against the simulator: a
 * PATCH changes only the fields it sends, and a bad value is refused naming the field.
 */
import { describe, expect, it } from "vitest";
import { simulator, tradingClient } from "./support.js";

describe("account configurations", () => {
  it("reads the settings and changes only the ones a PATCH sends", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { data: before } = await client.GET("/v2/account/configurations");
    expect(before).toMatchObject({ no_shorting: false, fractional_trading: true });

    const { data: after, error } = await client.PATCH("/v2/account/configurations", {
      body: { no_shorting: true, max_options_trading_level: 1 },
    });
    expect(error).toBeUndefined();
    expect(after).toEqual({ ...before, no_shorting: true, max_options_trading_level: 1 });
    const { data: reread } = await client.GET("/v2/account/configurations");
    expect(reread).toEqual(after);
  });

  it("refuses a value the setting does not accept, naming the setting", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { response, error } = await client.PATCH("/v2/account/configurations", {
      body: { trade_confirm_email: "weekly" },
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(error)).toContain("trade_confirm_email");
  });
});
