/**
 * `pnpm demo alpaca` end to end: the built demo runs against its own simulator, prints its key lines
 * (REST and streaming) and exits by itself with code 0 (turbo builds dist before tests run).
 */
import { describe, expect, it } from "vitest";
import { runDemo } from "./run-demo.js";

describe("the Alpaca demo", () => {
  it("streams quotes, sees an order's new → fill on the trading stream, and exits by itself", async () => {
    const { code, output } = await runDemo("alpaca");
    expect(code, output).toBe(0);
    expect(output).toMatch(/quote (AAPL|MSFT): bid [\d.]+/);
    expect(output).toMatch(/events on the trading stream: new → fill; filled 1 @ [\d.]+, no polling \(0 lookups\)/);
    expect(output).toMatch(/sockets opened: 1 market data, 1 trading/);
  }, 90_000);
});
