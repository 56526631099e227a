/**
 * The Broker API's SSE streams as typed async iterators, end to end against the simulator: a stream cut
 * mid-way resumes from the last id with no event lost or repeated (also when the server replays the resume
 * point or the whole day), `until_*` bounds end the iteration, an AbortSignal ends it, reconnection gives up
 * after `maxReconnects`, and the connection goes through the client's stack (auth, and a timeout that
 * does not cut a live stream).
 */
import { ConfigError, HttpError, MalformedResponseError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import type { AlpacaSimulator } from "../../testing/src/alpaca/index.js";
import {
  type AccountStatusEvent,
  EventStreamError,
  type ReconnectInfo,
  streamAccountStatusEvents,
  streamTradeEvents,
  streamTradeEventsV1,
  type TradeEvent,
  type TradeEventV1,
} from "../src/broker.js";
import { startProxy } from "./proxy.js";
import { brokerClient, simulator, sleep, tradingClient } from "./support.js";

const today = () => new Date().toISOString().slice(0, 10);
/** The smallest ULID: `since_id` before every event (Alpaca needs since_id with until_id). */
const BEFORE_ALL = "00000000000000000000000000";
const fastReconnect = { reconnectDelayMs: 10, maxReconnectDelayMs: 50 };

/** Runs `work`, failing after a deadline so that no test can hang on a stream. */
async function within<T>(deadlineMs: number, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Takes `n` events, then closes the stream (bounded by a deadline). */
function take<E>(stream: AsyncIterable<E>, n: number, deadlineMs = 15_000): Promise<E[]> {
  return within(deadlineMs, async () => {
    const events: E[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length >= n) break;
    }
    return events;
  });
}

/** Waits (bounded) until the simulator has accepted `count` SSE connections. */
async function connections(sim: AlpacaSimulator, count: number): Promise<void> {
  for (let i = 0; i < 500 && sim.counters.sseConnections < count; i++) await sleep(10);
  expect(sim.counters.sseConnections).toBeGreaterThanOrEqual(count);
}

async function marketOrders(sim: AlpacaSimulator, count: number): Promise<void> {
  const client = tradingClient(sim);
  for (let i = 0; i < count; i++) {
    const { error } = await client.POST("/v2/orders", {
      body: { symbol: "AAPL", qty: "1", side: "buy", type: "market", time_in_force: "day" },
    });
    expect(error).toBeUndefined();
  }
}

const streamQueries = (sim: AlpacaSimulator, path: string) =>
  sim.arrivals.filter((a) => a.path === path).map((a) => Object.fromEntries(a.query));

/** Every v2 trade event of today, read once without interruption, as the reference. */
async function allTradeEventIds(sim: AlpacaSimulator, lastId: string): Promise<string[]> {
  const events = await take(streamTradeEvents(brokerClient(sim), { since_id: BEFORE_ALL, until_id: lastId }), 1_000);
  return events.map((e) => e.event_id as string);
}

describe("v2 trade events", () => {
  it("resume after a drop mid-way from since_id, with no event lost or repeated", async () => {
    const sim = await simulator({ sse: { heartbeatMs: 100 } });
    await marketOrders(sim, 2); // 4 events in the history: new, fill, new, fill
    sim.forceDisconnectAfter(3, "/v2/events/trades");
    const reconnects: ReconnectInfo[] = [];
    const stream = streamTradeEvents(
      brokerClient(sim),
      { since: today() },
      { ...fastReconnect, onReconnect: (info) => reconnects.push(info) },
    );

    const events = await within(15_000, async () => {
      const seen: TradeEvent[] = [];
      for await (const event of stream) {
        seen.push(event);
        // History read: two more orders make live events on the resumed connection.
        if (seen.length === 4) await marketOrders(sim, 2);
        if (seen.length === 8) break;
      }
      return seen;
    });

    const ids = events.map((e) => e.event_id as string);
    expect(new Set(ids).size).toBe(8);
    expect([...ids].sort()).toEqual(ids);
    expect(ids).toEqual(await allTradeEventIds(sim, ids[7] as string));
    expect(events.map((e) => e.event)).toEqual(["new", "fill", "new", "fill", "new", "fill", "new", "fill"]);
    expect(sim.counters.sseForcedDisconnects).toBe(1);
    expect(stream.reconnects).toBe(1);
    expect(reconnects[0]).toMatchObject({ attempt: 1, resumeAfter: ids[2] });
    expect(reconnects[0]?.reason).toMatch(/connection lost/);
    // The second connection asked for what followed the third event, instead of the whole day.
    const queries = streamQueries(sim, "/v2/events/trades");
    expect(queries.slice(0, 2)).toEqual([{ since: today() }, { since_id: ids[2] }]);
  });

  it("skip the event a server repeats when its since_id is inclusive", async () => {
    const sim = await simulator({ sse: { sinceInclusive: true } });
    await marketOrders(sim, 3);
    sim.forceDisconnectAfter(2, "/v2/events/trades");
    const stream = streamTradeEvents(brokerClient(sim), { since: today() }, fastReconnect);
    const events = await take(stream, 6);
    const ids = events.map((e) => e.event_id);
    expect(new Set(ids).size).toBe(6);
    expect(stream.duplicatesSkipped).toBe(1);
    expect(stream.reconnects).toBe(1);
  });

  it("end by themselves at until_id, also across a reconnection", async () => {
    const sim = await simulator();
    await marketOrders(sim, 3);
    const reference = await take(streamTradeEvents(brokerClient(sim), { since: today() }), 6);
    const untilId = reference[4]?.event_id as string;

    sim.forceDisconnectAfter(2, "/v2/events/trades");
    const bounded = await within(15_000, async () => {
      const seen: TradeEvent[] = [];
      const stream = streamTradeEvents(brokerClient(sim), { since_id: BEFORE_ALL, until_id: untilId }, fastReconnect);
      for await (const event of stream) seen.push(event);
      return seen;
    });
    expect(bounded.map((e) => e.event_id)).toEqual(reference.slice(0, 5).map((e) => e.event_id));
    const queries = streamQueries(sim, "/v2/events/trades").slice(-2);
    expect(queries[1]).toEqual({ since_id: reference[1]?.event_id, until_id: untilId });
  });

  it("resume a date-bounded stream by replaying the day and skipping what was seen", async () => {
    const sim = await simulator();
    await marketOrders(sim, 2);
    sim.forceDisconnectAfter(2, "/v2/events/trades");
    const stream = streamTradeEvents(brokerClient(sim), { since: today(), until: today() }, fastReconnect);
    const events = await take(stream, 4);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(4);
    expect(stream.duplicatesSkipped).toBe(2);
    // `until` requires `since`, so the resumed query is the original one.
    expect(streamQueries(sim, "/v2/events/trades")).toEqual([
      { since: today(), until: today() },
      { since: today(), until: today() },
    ]);
  });

  it("check their options when made, and connect only when read", async () => {
    const sim = await simulator();
    const client = brokerClient(sim);
    // Before anything loads or connects: a bad option throws at once.
    expect(() => streamTradeEvents(client, {}, { maxReconnects: -1 })).toThrow(ConfigError);
    expect(() => streamTradeEvents(client, {}, { reconnectDelayMs: -1 })).toThrow(/reconnect delays must be ≥ 0 ms/);
    expect(() => streamTradeEvents(client, {}, { idleTimeoutMs: 0 })).toThrow(
      "GET /v2/events/trades: idleTimeoutMs must be > 0 or false, got 0",
    );
    // A stream closed before its first read never connects.
    const unread = streamTradeEvents(client, { since: today() });
    expect(await unread.return()).toEqual({ done: true, value: undefined });
    expect(sim.counters.sseConnections).toBe(0);
    // The first read loads the connection loop and connects.
    await marketOrders(sim, 1);
    const stream = streamTradeEvents(client, { since: today() });
    expect((await stream.next()).value).toMatchObject({ event: "new" });
    expect(sim.counters.sseConnections).toBe(1);
    expect(stream.lastEventId).toMatch(/^[0-9A-Z]{26}$/);
    await stream.return();
  });

  it("end when the caller aborts, with the caller's reason", async () => {
    const sim = await simulator();
    const controller = new AbortController();
    const stream = streamTradeEvents(brokerClient(sim), {}, { signal: controller.signal });
    const reading = take(stream, 1);
    await connections(sim, 1);
    const reason = new Error("stop following");
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
    expect(stream.reconnects).toBe(0);
  });

  it("give up after maxReconnects attempts without a new event", async () => {
    const sim = await simulator();
    for (let i = 0; i < 5; i++) sim.forceDisconnectAfter(0, "/v2/events/trades");
    const stream = streamTradeEvents(brokerClient(sim), {}, { ...fastReconnect, maxReconnects: 2 });
    const error = await take(stream, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStreamError);
    expect((error as EventStreamError).reconnects).toBe(2);
    expect((error as Error).message).toMatch(/gave up after 2 reconnection attempt/);
    expect(sim.counters.sseConnections).toBe(3);
  });

  it("are not cut by the client's per-call timeout once connected", async () => {
    const sim = await simulator({ sse: { heartbeatMs: 60_000 } });
    const stream = streamTradeEvents(brokerClient(sim, { timeoutMs: 150 }), {}, { maxReconnects: 0 });
    const reading = take(stream, 2);
    await connections(sim, 1);
    await sleep(400);
    await marketOrders(sim, 1);
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(["new", "fill"]);
    expect(stream.reconnects).toBe(0);
  });
});

describe("v2 trade events against a server that does not stream", () => {
  it("refuse a JSON answer instead of waiting for events that never come", async () => {
    const sim = await simulator();
    const proxy = await startProxy(sim.url, (_method, path) =>
      path === "/v2/events/trades" ? { status: 200, body: [] } : "forward",
    );
    try {
      const client = brokerClient(sim, { servers: { broker: proxy.url } });
      const error = await take(streamTradeEvents(client), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as Error).message).toBe(
        "GET /v2/events/trades: expected a text/event-stream answer, got application/json",
      );
    } finally {
      await proxy.close();
    }
  });
});

describe("v1 trade events (legacy)", () => {
  it("use integer ids with since_id/until_id and resume with the integer id", async () => {
    const sim = await simulator();
    await marketOrders(sim, 2);
    sim.forceDisconnectAfter(2, "/v1/events/trades");
    const events = await within(15_000, async () => {
      const seen: TradeEventV1[] = [];
      for await (const event of streamTradeEventsV1(brokerClient(sim), { since_id: 0, until_id: 3 }, fastReconnect)) {
        seen.push(event);
      }
      return seen;
    });
    expect(events.map((e) => e.event_id)).toEqual([1, 2, 3]);
    expect(streamQueries(sim, "/v1/events/trades")).toEqual([
      { since_id: "0", until_id: "3" },
      { since_id: "2", until_id: "3" },
    ]);
  });

  it("fail with Alpaca's answer when the legacy stream is retired for the partner", async () => {
    const sim = await simulator({ legacyTradeEvents: "gone" });
    const error = await take(streamTradeEventsV1(brokerClient(sim)), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(410);
    expect((error as Error).message).toContain("use /v2/events/trades");
    expect(sim.requestsTo("GET /v1/events/trades")).toBe(1);
  });
});

describe("account status events", () => {
  it("follow a new account through KYC, resuming by ULID after a drop", async () => {
    const sim = await simulator();
    const client = brokerClient(sim);
    sim.forceDisconnectAfter(1, "/v1/events/accounts/status");
    const stream = streamAccountStatusEvents(client, {}, fastReconnect);
    const reading = take(stream, 3);
    await connections(sim, 1);
    const { data: account, error } = await client.POST("/v1/accounts", {
      body: {
        contact: {
          email_address: "grace.hopper@example.test",
          phone_number: "+15555550101",
          street_address: ["1 Navy Way"],
          city: "Arlington",
        },
        identity: {
          given_name: "Grace",
          family_name: "Hopper",
          date_of_birth: "1906-12-09",
          tax_id_type: "USA_SSN",
          country_of_tax_residence: "USA",
          funding_source: ["employment_income"],
        },
        disclosures: {
          is_control_person: false,
          is_affiliated_exchange_or_finra: false,
          is_politically_exposed: false,
          immediate_family_exposed: false,
        },
        agreements: [{ agreement: "customer_agreement", signed_at: "2024-01-02T15:04:05Z", ip_address: "127.0.0.1" }],
      },
    });
    expect(error).toBeUndefined();
    const events: AccountStatusEvent[] = await reading;
    expect(events.map((e) => [e.account_id, e.status_from, e.status_to])).toEqual([
      [account?.id, "ONBOARDING", "SUBMITTED"],
      [account?.id, "SUBMITTED", "APPROVED"],
      [account?.id, "APPROVED", "ACTIVE"],
    ]);
    expect(stream.reconnects).toBe(1);
    expect(streamQueries(sim, "/v1/events/accounts/status")[1]).toEqual({ since_ulid: events[0]?.event_ulid });
  });

  it("connect with the client's credentials: Basic, or a client-credentials token", async () => {
    const sim = await simulator();
    const basic = brokerClient(sim);
    const oauth = brokerClient(sim, {
      credentials: { clientId: sim.credentials.brokerKey, clientSecret: sim.credentials.brokerSecret },
    });
    for (const client of [basic, oauth]) {
      const stream = streamAccountStatusEvents(client, {}, { maxReconnects: 0 });
      const reading = take(stream, 1);
      const before = sim.counters.sseConnections;
      await connections(sim, before + 1);
      sim.setAccountStatus(sim.brokerAccountId, "ACTION_REQUIRED");
      const [event] = await reading;
      expect(event?.status_to).toBe("ACTION_REQUIRED");
      sim.setAccountStatus(sim.brokerAccountId, "ACTIVE");
    }
    const authorizations = sim.arrivals
      .filter((a) => a.path === "/v1/events/accounts/status")
      .map((a) => String(a.headers.authorization).split(" ")[0]);
    expect(authorizations.slice(-2)).toEqual(["Basic", "Bearer"]);
    expect(sim.counters.tokensIssued).toBe(1);

    const wrong = brokerClient(sim, { credentials: { username: "nobody", password: "wrong-secret-123" } });
    const error = await take(streamAccountStatusEvents(wrong), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    expect(String((error as Error).message)).not.toContain("wrong-secret-123");
  });
});
