/**
 * Closing the generated stream clients releases every socket and timer: a child process that opens
 * both ALOR streams, uses them and closes them exits by itself (turbo builds dist before tests run).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { simulator } from "./support.js";

const DIST = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const STREAMS_DIST = fileURLToPath(new URL("../dist/streams.js", import.meta.url));
const EXIT_WAIT_MS = 15_000;

const SCRIPT = `
const { createAlorClient } = await import(process.env.ALOR_DIST);
const { createAlorDataStream, createAlorCommandStream } = await import(process.env.ALOR_STREAMS_DIST);
const rest = createAlorClient({
  environment: "test",
  credentials: { refreshToken: process.env.REFRESH },
  servers: { api: process.env.API, oauth: process.env.API },
});
const data = createAlorDataStream(rest, { url: process.env.WS });
const commands = createAlorCommandStream(rest, { url: process.env.CWS });
for await (const quote of data.subscribe("quotes", { code: "SBER", exchange: "MOEX" })) break;
const book = data.subscribe("orderBook", { code: "SBER", exchange: "MOEX", depth: 5 });
await book.ready;
const reply = await commands.command("createLimitOrder", {
  side: "buy", quantity: 1, price: 250,
  instrument: { symbol: "SBER", exchange: "MOEX" }, user: { portfolio: "D39004" },
});
await Promise.all([data.close(), commands.close()]);
console.log("closed", reply.httpCode);
`;

describe("closing ALOR streams", () => {
  it("lets the process exit by itself", async () => {
    const sim = await simulator();
    const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT], {
      env: {
        ...process.env,
        ALOR_DIST: DIST,
        ALOR_STREAMS_DIST: STREAMS_DIST,
        REFRESH: sim.refreshToken,
        API: sim.url,
        WS: sim.ws.dataUrl,
        CWS: sim.ws.commandUrl,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const exit = await new Promise<{ code: number | null; hung: boolean }>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve({ code: null, hung: true });
      }, EXIT_WAIT_MS);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, hung: false });
      });
    });
    expect({ ...exit, output: output.trim() }).toEqual({ code: 0, hung: false, output: "closed 200" });
    // The child's sockets are gone at the server (which may notice a moment after the exit).
    for (let i = 0; i < 100 && sim.ws.connections["/ws"].current + sim.ws.connections["/cws"].current > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sim.ws.connections["/ws"].current).toBe(0);
    expect(sim.ws.connections["/cws"].current).toBe(0);
  }, 30_000);
});
