/**
 * End to end through the generated ALOR clients (REST + data and command streams) against the
 * simulator's WebSockets, asserting at the server side through `sim.ws`.
 */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { StreamOverflowError } from "@brokerkit/stream";
import { describe, expect, it } from "vitest";
import { unwrap } from "../src/index.js";
import { createAlorCommandStream, createAlorDataStream } from "../src/streams.js";
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
      // The runtime re-sent the same guid; the server answered it without executing it again.
      expect([...sim.ws.commandExecutions.values()]).toEqual([1]);
      expect(reply).toMatchObject({ httpCode: 200 });
    } finally {
      await commands.close();
    }
  });

  it("replaces a silent socket after its idle deadline and resubscribes", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const events: MiddlewareEvent[] = [];
    const stream = createAlorDataStream(client, {
      url: sim.ws.dataUrl,
      idleTimeoutMs: 300,
      observer: (event) => events.push(event),
    });
    try {
      const quotes = stream.subscribe("quotes", { code: "SBER", exchange: "MOEX" });
      await quotes.ready;
      const opened = sim.ws.connections["/ws"].total;
      sim.ws.silence(5_000);
      await until(() => events.some((event) => event.type === "stream.idle"), "the idle deadline");
      await until(() => sim.ws.connections["/ws"].total > opened, "a replacement socket");
      await until(() => events.some((event) => event.type === "stream.resubscribe"), "a resubscribe");
      expect((await quotes.next()).done).toBe(false);
    } finally {
      await stream.close();
    }
  });

  it("keeps a slow reader's quotes within the buffer bound (conflated)", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const stream = createAlorDataStream(client, { url: sim.ws.dataUrl });
    try {
      const quotes = stream.subscribe("quotes", { code: "SBER", exchange: "MOEX" });
      await quotes.ready;
      const [guid] = [...sim.ws.subscriptions.keys()];
      await sim.ws.flood(guid as string, 2_000);
      await until(() => quotes.dropped > 0, "conflation");
      expect(quotes.depth).toBeLessThanOrEqual(1);
      expect(stream.stats().subscriptions.every((s) => s.depth <= 1)).toBe(true);
    } finally {
      await stream.close();
    }
  });

  it("raises an overflow error on an order channel instead of dropping an order event", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const stream = createAlorDataStream(client, { url: sim.ws.dataUrl });
    try {
      const orders = stream.subscribe("orders", { portfolio: "D39004", exchange: "MOEX", skipHistory: true });
      await orders.ready;
      const [guid] = [...sim.ws.subscriptions.keys()];
      await sim.ws.flood(guid as string, 5_100, (i) => ({ id: String(100_000 + i), status: "working" }));
      // Read only once the flood has arrived: the reader fell 5100 behind a 5000-deep buffer.
      // The overflow ends the subscription at the server too (no orphan feeding a dead reader).
      await until(() => sim.ws.subscriptions.size === 0, "the overflowed subscription ended at the server");
      let read = 0;
      const error = await (async () => {
        for await (const _order of orders) if (++read >= 5_100) break;
      })().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StreamOverflowError);
      expect(orders.dropped).toBe(0);
      expect(read).toBeLessThanOrEqual(5_000);
    } finally {
      await stream.close();
    }
  });

  it("shares one token exchange between an expired stream and concurrent REST calls", async () => {
    const sim = await simulator({ tokenLifetimeMs: 2_400 });
    const { client } = clientFor(sim);
    const stream = createAlorDataStream(client, { url: sim.ws.dataUrl });
    try {
      const quotes = stream.subscribe("quotes", { code: "SBER", exchange: "MOEX" });
      await quotes.ready;
      expect(sim.counters.tokenExchanges).toBe(1);
      await sleep(1_500);
      const book = stream.subscribe("orderBook", { code: "SBER", exchange: "MOEX", depth: 5 });
      const times = await Promise.all(Array.from({ length: 10 }, () => unwrap(client.GET("/md/v2/time"))));
      await book.ready;
      expect(times).toHaveLength(10);
      expect(sim.counters.tokenExchanges).toBe(2);
      expect(sim.ws.subscriptions.size).toBe(2);
      expect((await quotes.next()).done).toBe(false);
      expect((await book.next()).done).toBe(false);
    } finally {
      await stream.close();
    }
  });
});
