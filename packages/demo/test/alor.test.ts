/**
 * `pnpm demo alor` end to end: the built demo runs against its own simulator, prints its key lines
 * (REST and streaming) and exits by itself with code 0 (turbo builds dist before tests run).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("../dist/alor.js", import.meta.url));
const EXIT_WAIT_MS = 60_000;

describe("the ALOR demo", () => {
  it("streams, places and cancels an order, and exits by itself", async () => {
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
    expect(output).toMatch(/order \d+ accepted at/);
    expect(output).toMatch(/order event on the data socket: \d+ working/);
    expect(output).toContain("cancelled over the command socket: httpCode 200");
    expect(output).toMatch(/messages per channel: orderBook \d+, quotes \d+, orders \d+/);
    expect(output).toContain("stream.connect 2");
  }, 90_000);
});
