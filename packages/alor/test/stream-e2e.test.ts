/**
 * End to end through the generated ALOR clients (REST + data and command streams) against the
 * simulator's WebSockets, asserting at the server side through `sim.ws`.
 */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import { createAlorCommandStream, createAlorDataStream } from "../src/index.js";
import { clientFor, simulator, sleep } from "./support.js";

const WAIT_MS = 10_000;

/** Resolves once `condition` holds, checking every 10 ms for at most WAIT_MS. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= WAIT_MS) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe("ALOR streams end to end", () => {
  it("reconnects and resubscribes after the server drops every socket", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const events: MiddlewareEvent[] = [];
    const stream = createAlorDataStream(client, { url: sim.ws.dataUrl, observer: (event) => events.push(event) });
    try {
      const quotes = stream.subscribe("quotes", { code: "SBER", exchange: "MOEX" });
      await quotes.ready;
      const first = await quotes.next();
      expect(first.done).toBe(false);
      expect(sim.ws.dropAll()).toBeGreaterThan(0);
      await until(() => events.some((event) => event.type === "stream.resubscribe"), "a resubscribe");
      await until(() => sim.ws.subscriptions.size === 1, "the subscription back at the server");
      const after = await quotes.next();
      expect(after.done).toBe(false);
      expect(events.some((event) => event.type === "stream.reconnect")).toBe(true);
      await quotes.unsubscribe();
      await until(() => sim.ws.subscriptions.size === 0, "the unsubscribe at the server");
    } finally {
      await stream.close();
    }
  });

  it("abort and break both unsubscribe at the server", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const stream = createAlorDataStream(client, { url: sim.ws.dataUrl });
    try {
      const controller = new AbortController();
      const aborted = stream.subscribe("quotes", { code: "SBER", exchange: "MOEX" }, { signal: controller.signal });
      await aborted.ready;
      const broken = stream.subscribe("orderBook", { code: "SBER", exchange: "MOEX", depth: 5 });
      await broken.ready;
      expect(sim.ws.subscriptions.size).toBe(2);
      controller.abort();
      await until(() => sim.ws.subscriptions.size === 1, "the aborted subscription gone at the server");
      for await (const _book of broken) break;
      await until(() => sim.ws.subscriptions.size === 0, "the broken subscription gone at the server");
    } finally {
      await stream.close();
    }
  });

  it("never executes an order twice when its reply is lost", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const commands = createAlorCommandStream(client, { url: sim.ws.commandUrl, ackTimeoutMs: 300 });
    try {
      sim.ws.loseNextReply();
      const reply = await commands
        .command("createLimitOrder", {
          side: "buy",
          quantity: 1,
          price: 250,
          instrument: { symbol: "SBER", exchange: "MOEX" },
          user: { portfolio: "D39004" },
        })
        .catch((error: unknown) => error);
      const executions = [...sim.ws.commandExecutions.values()];
      expect(executions.length).toBeGreaterThan(0);
      for (const count of executions) expect(count).toBe(1);
      expect(reply).toBeDefined();
    } finally {
      await commands.close();
    }
  });
});
