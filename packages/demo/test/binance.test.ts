/**
 * `pnpm demo binance` end to end: the built demo runs against its own simulator (clock 30 s ahead),
 * prints its key lines and exits by itself with code 0 (turbo builds dist before tests run).
 */
import { describe, expect, it } from "vitest";
import { runDemo } from "./run-demo.js";

describe("the Binance demo", () => {
  it("signs every call, re-signs a retried one, places and cancels an order, and exits by itself", async () => {
    const { code, output } = await runDemo("binance");
    expect(code, output).toBe(0);
    expect(output).toContain("USDT: 100000.00000000 free");
    expect(output).toContain("valid after 2 attempts; signatures checked: ok, ok");
    expect(output).toMatch(/order \d+ NEW with client order id [0-9a-f-]{36}/);
    expect(output).toMatch(/order \d+ CANCELED/);
    expect(output).toMatch(/signed calls checked by the simulator: 5, all valid/);
  }, 90_000);
});
