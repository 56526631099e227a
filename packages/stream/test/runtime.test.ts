/**
 * The stream runtime against a real `ws` server on 127.0.0.1 speaking a small test protocol
 * (support.ts), with the REST side's real credential provider and token endpoint.
 */
import { type ApiConfig, createBrokerClient, type MiddlewareEvent } from "@brokerkit/middleware";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { createStreamClient, type StreamClient } from "../src/client.js";
import { StreamClosedError, StreamOverflowError } from "../src/errors.js";
import type { SubscriptionChannelSpec } from "../src/spec.js";
import { startTestServer, testAdapter, testSpec } from "./support.js";

type Subs = {
  quotes: {
    params: { topic: string };
    message: { topic: string; seq: number; value: { symbol: string; price: number } };
  };
  orders: { params: { topic: string }; message: { topic: string; seq: number; value: { id: number; status: string } } };
  ticks: { params: { topic: string }; message: { topic: string; seq: number; value: number } };
};
type Cmds = { place: { params: { symbol: string }; reply: { done: boolean } } };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const until = async (condition: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

async function setup(specOverrides: Parameters<typeof testSpec>[0] = {}) {
  const ws = await startTestServer();
  let exchanges = 0;
  const tokens: RunningServer = await startServer((req, res) => {
    if (req.path === "/refresh") {
      exchanges++;
      const token = `token-${exchanges}`;
      ws.validTokens.add(token);
      return sendJson(res, 200, { AccessToken: token });
    }
    sendJson(res, 200, { ok: true });
  });
  const config: ApiConfig = {
    broker: "test",
    api: "rest",
    environments: {
      test: { servers: { api: "https://example.invalid", ws: ws.url, oauth: "https://example.invalid" } },
    },
    server: "api",
    auth: [
      {
        name: "jwt",
        kind: "refresh-exchange",
        tokenUrl: "{oauth}/refresh",
        tokenIn: "query",
        accessTokenField: "AccessToken",
        defaultLifetimeMs: 30 * 60_000,
        skewMs: 1_000,
        minIntervalMs: 0,
      },
    ],
    rateLimits: [{ name: "user", limit: 100, intervalMs: 1_000 }],
    routes: [],
    retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    timeoutMs: 5_000,
    operations: [["GET", "/data"]],
  };
  const rest = createBrokerClient(config, {
    environment: "test",
    credentials: { refreshToken: "refresh-secret-0123456789abcdef" },
    servers: { api: tokens.url, oauth: tokens.url, ws: ws.url },
  });
  const events: MiddlewareEvent[] = [];
  const stream: StreamClient<Subs, Cmds> = createStreamClient<Subs, Cmds>(
    testSpec(specOverrides),
    testAdapter,
    rest.runtime,
    {
      observer: (e) => events.push(e),
      lingerMs: 50,
    },
  );
  cleanups.push(
    () => tokens.close(),
    () => ws.close(),
    () => stream.close(),
  );
  return { ws, rest, stream, events, exchanges: () => exchanges };
}

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await iterator.next();
    if (done) break;
    out.push(value);
  }
  return out;
}

describe("stream runtime", () => {
  it("delivers typed messages; break unsubscribes at the server", async () => {
    const { ws, stream } = await setup();
    const quotes = stream.subscribe("quotes", { topic: "SBER" });
    await quotes.ready;
    expect(ws.subscriptions.get("SBER")?.size).toBe(1);
    ws.push("SBER", { symbol: "SBER", price: 1 });
    ws.push("SBER", { symbol: "SBER.2", price: 2 });
    const prices: number[] = [];
    for await (const message of quotes) {
      prices.push(message.value.price);
      if (prices.length === 2) break;
    }
    expect(prices).toEqual([1, 2]);
    await until(() => ws.subscriptions.get("SBER")?.size === 0);
  });

  it("messages sent right behind the ack (a snapshot) are delivered, none lost", async () => {
    const channels = testSpec().channels;
    const orders: SubscriptionChannelSpec = {
      kind: "subscription",
      fixed: {},
      buffer: { policy: "error", size: 2_000 },
    };
    const { ws, stream } = await setup({ channels: { ...channels, orders } });
    // A burst the size of a real snapshot: the first frames share the ack's read.
    const snapshot = Array.from({ length: 1_000 }, (_, i) => ({ id: i, status: "working", note: "x".repeat(400) }));
    ws.snapshots.set("D39004", snapshot);
    const ids: number[] = [];
    for await (const message of stream.subscribe("orders", { topic: "D39004" })) {
      ids.push(message.value.id);
      if (ids.length === snapshot.length) break;
    }
    expect(ids).toEqual(snapshot.map((order) => order.id));
  });

  it("an abort unsubscribes at the server", async () => {
    const { ws, stream } = await setup();
    const controller = new AbortController();
    const ticks = stream.subscribe("ticks", { topic: "T" }, { signal: controller.signal });
    await ticks.ready;
    expect(ws.subscriptions.get("T")?.size).toBe(1);
    controller.abort();
    await until(() => ws.subscriptions.get("T")?.size === 0);
    expect(await ticks.next()).toEqual({ value: undefined, done: true });
  });

  it("a dropped connection reconnects and resubscribes; dedupeBy hides what the replay repeats", async () => {
    const { ws, stream, events } = await setup();
    const orders = stream.subscribe("orders", { topic: "orders" });
    await orders.ready;
    ws.push("orders", { id: 1, status: "working" });
    ws.push("orders", { id: 2, status: "working" });
    const first = await take(orders, 2);
    ws.dropAll();
    await until(() => ws.connections === 2 && ws.subscriptions.get("orders")?.size === 1);
    // The replay after resubscribing repeats order 2 (a snapshot), then a new one follows.
    ws.push("orders", { id: 2, status: "working" });
    ws.push("orders", { id: 3, status: "filled" });
    const second = await take(orders, 1);
    expect([...first, ...second].map((m) => m.value.id)).toEqual([1, 2, 3]);
    // The event follows the broker's ack, which may arrive after the first messages were read.
    await until(() => events.some((e) => e.type === "stream.resubscribe"));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["stream.disconnect", "stream.reconnect", "stream.resubscribe"]),
    );
    expect(events.some((e) => e.type === "stream.gap")).toBe(false);
  });

  it("a silent socket is replaced within its idle deadline", async () => {
    const { ws, stream, events } = await setup({ idleTimeoutMs: 300 });
    const ticks = stream.subscribe("ticks", { topic: "T" });
    await ticks.ready;
    ws.silence();
    await until(() => ws.connections === 2 && ws.subscriptions.get("T")?.size !== undefined, 3_000);
    await until(() => events.some((e) => e.type === "stream.resubscribe"), 3_000);
    expect(events.some((e) => e.type === "stream.idle")).toBe(true);
    // The gap is reported: this channel has neither a snapshot nor dedupe.
    expect(events.some((e) => e.type === "stream.gap" && e.channel === "ticks")).toBe(true);
  });

  it("a socket that keeps sending is kept past its idle deadline, however many deadlines go by", async () => {
    const { ws, stream, events } = await setup({ idleTimeoutMs: 1_000 });
    const ticks = stream.subscribe("ticks", { topic: "T" });
    await ticks.ready;
    const received: number[] = [];
    const reading = (async () => {
      for await (const tick of ticks) {
        received.push(tick.value);
        if (tick.value === 140) break;
      }
    })();
    // About 3.5 deadlines of frames 25 ms apart: each one moves the deadline on.
    for (let value = 1; value <= 140; value++) {
      ws.push("T", value);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // drop-oldest keeps the newest, so the last tick arrives unless the socket was replaced.
    await until(() => received.includes(140), 5_000);
    await reading;
    expect(ws.connections).toBe(1);
    expect(events.some((e) => e.type === "stream.idle")).toBe(false);
  });

  it("a token refused on a new subscription is refreshed once, shared with concurrent REST calls", async () => {
    const { ws, rest, stream, exchanges } = await setup();
    await stream.subscribe("ticks", { topic: "A" }).ready;
    expect(exchanges()).toBe(1);
    ws.validTokens.delete("token-1");
    const [subscription, ...restCalls] = await Promise.all([
      stream.subscribe("ticks", { topic: "B" }).ready,
      ...Array.from({ length: 5 }, () => rest.runtime.fetch(new Request(`${rest.runtime.baseUrl}/data`))),
    ]);
    expect(subscription).toBeUndefined();
    expect(restCalls.every((response) => response.status === 200)).toBe(true);
    expect(exchanges()).toBe(2);
    expect(ws.subscriptions.get("A")?.size).toBe(1);
  });

  it("a slow reader: conflated quotes stay within the bound; orders overflow with a typed error", async () => {
    const { ws, stream } = await setup();
    const quotes = stream.subscribe("quotes", { topic: "Q" });
    const orders = stream.subscribe("orders", { topic: "O" });
    await Promise.all([quotes.ready, orders.ready]);
    for (let i = 0; i < 200; i++) ws.push("Q", { symbol: `S${i % 3}`, price: i });
    for (let i = 0; i < 20; i++) ws.push("O", { id: i, status: "new" });
    // All 200 arrived: 3 kept (one per symbol), 197 replaced while nobody read.
    await until(() => quotes.dropped === 197 && quotes.depth === 3);
    const latest = await take(quotes, 3);
    // One message per symbol, each the latest, in the order the symbols first became pending.
    expect(latest.map((m) => [m.value.symbol, m.value.price])).toEqual([
      ["S0", 198],
      ["S1", 199],
      ["S2", 197],
    ]);
    const error = await orders.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamOverflowError);
  });

  it("a command whose reply is lost is sent again with the same id and executed once", async () => {
    const { ws, stream } = await setup({ ackTimeoutMs: 300 });
    ws.loseNextReply();
    const reply = await stream.command("place", { symbol: "SBER" });
    expect(reply).toMatchObject({ done: true });
    expect([...ws.commands.values()]).toEqual([1]);
  });

  it("the stream's own limits hold per channel: a subscription over its channel's limit waits, others go on", async () => {
    const { ws, stream } = await setup({
      limits: [{ name: "quote subscriptions", limit: 1, intervalMs: 60_000, channels: ["quotes"] }],
    });
    const first = stream.subscribe("quotes", { topic: "A" });
    await first.ready;
    const second = stream.subscribe("quotes", { topic: "B" });
    // Messages on one socket arrive in order: once ticks is acknowledged, a sent second one would have been seen.
    const ticks = stream.subscribe("ticks", { topic: "T" });
    await ticks.ready;
    expect(ws.subscriptions.get("A")?.size).toBe(1);
    expect(ws.subscriptions.get("T")?.size).toBe(1);
    expect(ws.subscriptions.has("B")).toBe(false);
    await second.unsubscribe();
    // Ending it ends its wait for a slot at once (not a minute later), and the subscribe is never sent.
    await expect(second.ready).resolves.toBeUndefined();
    await stream.subscribe("ticks", { topic: "U" }).ready;
    expect(ws.subscriptions.has("B")).toBe(false);
  });

  it("close() ends a command waiting for its channel's limit: StreamClosedError, never sent, not ambiguous", async () => {
    const { ws, stream } = await setup({
      limits: [{ name: "orders", limit: 1, intervalMs: 60_000, channels: ["place"] }],
    });
    await expect(stream.command("place", { symbol: "SBER" })).resolves.toMatchObject({ done: true });
    const waiting = stream.command("place", { symbol: "GAZP" });
    await stream.subscribe("ticks", { topic: "T" }).ready;
    // Handled before close() rejects it.
    const rejected = expect(waiting).rejects.toBeInstanceOf(StreamClosedError);
    await stream.close();
    await rejected;
    expect(ws.commands.size).toBe(1);
  });

  it("a command waiting for its channel's limit ends with its signal's reason and is never sent", async () => {
    const { ws, stream } = await setup({
      limits: [{ name: "orders", limit: 1, intervalMs: 60_000, channels: ["place"] }],
    });
    await expect(stream.command("place", { symbol: "SBER" })).resolves.toMatchObject({ done: true });
    const controller = new AbortController();
    const waiting = stream.command("place", { symbol: "GAZP" }, { signal: controller.signal });
    // A round trip on the socket: the command has reached its wait by then.
    await stream.subscribe("ticks", { topic: "T" }).ready;
    const reason = new Error("the caller gave up");
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(ws.commands.size).toBe(1);
  });

  it("closing ends every subscription and the socket", async () => {
    const { ws, stream } = await setup();
    const ticks = stream.subscribe("ticks", { topic: "T" });
    await ticks.ready;
    await stream.close();
    expect(stream.stats().connected).toBe(false);
    await until(() => ws.live.size === 0);
    await expect(ticks.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
