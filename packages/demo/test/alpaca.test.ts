/**
 * `pnpm demo alpaca` end to end: the built demo runs against its own simulator, prints its key lines
 * (REST and streaming) and exits by itself with code 0 (turbo builds dist before tests run).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("../dist/alpaca.js", import.meta.url));
const EXIT_WAIT_MS = 60_000;

describe("the Alpaca demo", () => {
  it("streams quotes, sees an order's new → fill on the trading stream, and exits by itself", async () => {
    const child = spawn(process.execPath, [DEMO], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve("hung");
      }, EXIT_WAIT_MS);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/quote (AAPL|MSFT): bid [\d.]+/);
    expect(output).toMatch(/events on the trading stream: new → fill; filled 1 @ [\d.]+, no polling \(0 lookups\)/);
    expect(output).toMatch(/sockets opened: 1 market data, 1 trading/);
  }, 90_000);
});
