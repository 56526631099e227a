/**
 * `pnpm demo alor` end to end: the built demo runs against its own simulator, prints its key lines
 * (REST and streaming) and exits by itself with code 0 (turbo builds dist before tests run).
 */
import { describe, expect, it } from "vitest";
import { runDemo } from "./run-demo.js";

describe("the ALOR demo", () => {
  it("streams, places and cancels an order, and exits by itself", async () => {
    const { code, output } = await runDemo("alor");
    expect(code, output).toBe(0);
    expect(output).toMatch(/order \d+ accepted at/);
    expect(output).toMatch(/order event on the data socket: \d+ working/);
    expect(output).toContain("cancelled over the command socket: httpCode 200");
    expect(output).toMatch(/messages per channel: orderBook \d+, quotes \d+, orders \d+/);
    expect(output).toContain("stream.connect 2");
  }, 90_000);
});
