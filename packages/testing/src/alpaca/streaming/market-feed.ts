/**
 * The simulator's market data stream, one socket per feed path: `auth` with a key pair (checked like
 * REST), the account's connection limit per feed (406) and symbol limit (405), feeds the account's plan
 * lacks (409), subscribe and unsubscribe answered with the whole current subscription, and trades,
 * quotes and bars generated from the REST simulator's price model, one round per tick.
 */
import { ASSETS } from "../fixtures.js";
import { price, round2 } from "../market-data.js";
import type { FeedTime } from "./codec.js";
import { rfc3339Nano } from "./codec.js";
import type { StreamConnection } from "./connection.js";
import type { AlpacaStreamCounters } from "./counters.js";

const STOCK_CHANNELS = [
  "trades",
  "quotes",
  "bars",
  "dailyBars",
  "updatedBars",
  "statuses",
  "lulds",
  "corrections",
  "cancelErrors",
];
/** Channels of each feed path, in the order the subscription message lists them. */
export const FEED_CHANNELS: Readonly<Record<string, readonly string[]>> = {
  "/v2/iex": STOCK_CHANNELS,
  "/v2/sip": STOCK_CHANNELS,
  "/v2/delayed_sip": STOCK_CHANNELS,
  "/v2/test": STOCK_CHANNELS,
  "/v1beta3/crypto/us": ["trades", "quotes", "bars", "dailyBars", "updatedBars", "orderbooks"],
  "/v1beta1/options": ["trades", "quotes"],
  "/v1beta1/news": ["news"],
};

export interface MarketFeedOptions {
  /** Connections per account and feed. Default 1, as on most Alpaca plans. */
  connectionLimit: number;
  /** Distinct symbols per connection (wildcards not counted). Default unlimited. */
  symbolLimit: number;
  /** Feed paths the accounts' plan includes. Default every feed. */
  feeds: readonly string[];
  /** A bar per symbol every this many ticks. Default 10. */
  barEvery: number;
}

interface FeedState {
  /** Subscribed symbols per channel. */
  channels: Map<string, Set<string>>;
}

const error = (code: number, msg: string) => [{ T: "error", code, msg }];

export class MarketFeed {
  private readonly states = new Map<StreamConnection, FeedState>();
  private sequence = 0;
  private lastMs = 0;
  private nanos = 0;

  constructor(
    private readonly options: MarketFeedOptions,
    private readonly counters: AlpacaStreamCounters,
    private readonly accountOf: (key: unknown, secret: unknown) => string | undefined,
    private readonly authenticatedOn: (accountId: string, path: string) => number,
  ) {}

  attach(connection: StreamConnection): void {
    connection.send([{ T: "success", msg: "connected" }]);
  }

  detach(connection: StreamConnection): void {
    this.states.delete(connection);
  }

  /** The subscription of a socket, as its subscription message lists it (undefined before auth). */
  subscription(connection: StreamConnection): Record<string, string[]> | undefined {
    const state = this.states.get(connection);
    if (!state) return undefined;
    const lists: Record<string, string[]> = {};
    for (const channel of FEED_CHANNELS[connection.path] ?? [])
      lists[channel] = [...(state.channels.get(channel) ?? [])];
    return lists;
  }

  handle(connection: StreamConnection, message: unknown): void {
    if (!message || typeof message !== "object" || Array.isArray(message)) {
      connection.send(error(400, "invalid syntax"));
      return;
    }
    const request = message as Record<string, unknown>;
    switch (request.action) {
      case "auth":
        this.authenticate(connection, request);
        return;
      case "subscribe":
      case "unsubscribe":
        this.subscribe(connection, request, request.action === "subscribe");
        return;
      default:
        connection.send(error(400, "invalid syntax"));
    }
  }

  private authenticate(connection: StreamConnection, request: Record<string, unknown>): void {
    if (connection.accountId) {
      connection.send(error(403, "already authenticated"));
      return;
    }
    const accountId = this.accountOf(request.key, request.secret);
    if (!accountId) {
      this.counters.authFailures++;
      connection.refuse(error(402, "auth failed"));
      return;
    }
    if (!this.options.feeds.includes(connection.path)) {
      this.counters.refused++;
      connection.refuse(error(409, "insufficient subscription"));
      return;
    }
    if (this.authenticatedOn(accountId, connection.path) >= this.options.connectionLimit) {
      this.counters.connectionLimitRefusals++;
      connection.refuse(error(406, "connection limit exceeded"));
      return;
    }
    connection.accountId = accountId;
    this.states.set(connection, { channels: new Map() });
    connection.send([{ T: "success", msg: "authenticated" }]);
  }

  private subscribe(connection: StreamConnection, request: Record<string, unknown>, adding: boolean): void {
    const state = this.states.get(connection);
    if (!state) {
      connection.send(error(401, "not authenticated"));
      return;
    }
    const allowed = FEED_CHANNELS[connection.path] ?? [];
    const changes: [string, string[]][] = [];
    for (const [field, value] of Object.entries(request)) {
      if (field === "action") continue;
      if (!Array.isArray(value) || !value.every((symbol) => typeof symbol === "string" && symbol)) {
        connection.send(error(400, "invalid syntax"));
        return;
      }
      if (!allowed.includes(field)) {
        this.counters.refused++;
        connection.send(error(410, "invalid subscribe action for this feed"));
        return;
      }
      changes.push([field, value as string[]]);
    }
    if (adding) {
      const symbols = new Set<string>();
      for (const set of state.channels.values()) for (const symbol of set) if (symbol !== "*") symbols.add(symbol);
      for (const [, list] of changes) for (const symbol of list) if (symbol !== "*") symbols.add(symbol);
      if (symbols.size > this.options.symbolLimit) {
        this.counters.refused++;
        connection.send(error(405, "symbol limit exceeded"));
        return;
      }
    }
    for (const [channel, list] of changes) {
      const set = state.channels.get(channel) ?? new Set<string>();
      for (const symbol of list) adding ? set.add(symbol) : set.delete(symbol);
      state.channels.set(channel, set);
    }
    if (adding) this.counters.subscribeMessages++;
    else this.counters.unsubscribeMessages++;
    connection.send([{ T: "subscription", ...this.subscription(connection) }]);
  }

  /** One round of data: a trade and a quote per subscribed symbol, and a bar every `barEvery` rounds. */
  tick(): void {
    this.sequence++;
    // Made once per round: every socket (JSON or MessagePack) gets the same messages.
    const round = new Map<string, Record<string, unknown> | undefined>();
    for (const [connection, state] of this.states) {
      const messages: Record<string, unknown>[] = [];
      const crypto = connection.path.includes("crypto");
      for (const [channel, symbols] of state.channels) {
        for (const symbol of expand(symbols, crypto)) {
          const key = `${crypto}|${channel}|${symbol}`;
          if (!round.has(key)) round.set(key, this.make(channel, symbol, crypto));
          const made = round.get(key);
          if (made) messages.push(made);
        }
      }
      if (messages.length > 0 && connection.send(messages)) this.counters.dataMessages += messages.length;
    }
  }

  private make(channel: string, symbol: string, crypto: boolean): Record<string, unknown> | undefined {
    const n = this.sequence;
    const t = rfc3339Nano(this.now());
    const mid = price(symbol, n);
    switch (channel) {
      case "trades":
        return crypto
          ? { T: "t", S: symbol, p: mid, s: round2(0.01 * (1 + (n % 9))), t, i: n, tks: n % 2 ? "B" : "S" }
          : { T: "t", S: symbol, i: n, x: "V", p: mid, s: 1 + (n % 200), c: ["@"], z: "C", t };
      case "quotes":
        return crypto
          ? { T: "q", S: symbol, bp: round2(mid - 0.5), bs: 0.5, ap: round2(mid + 0.5), as: 0.75, t }
          : {
              T: "q",
              S: symbol,
              bx: "V",
              bp: round2(mid - 0.01),
              bs: 1 + (n % 9),
              ax: "V",
              ap: round2(mid + 0.01),
              as: 1 + ((n + 4) % 9),
              c: ["R"],
              z: "C",
              t,
            };
      case "bars": {
        if (n % this.options.barEvery !== 0) return undefined;
        const open = price(symbol, n - this.options.barEvery);
        return {
          T: "b",
          S: symbol,
          o: open,
          h: round2(Math.max(open, mid) * 1.001),
          l: round2(Math.min(open, mid) * 0.999),
          c: mid,
          v: 1000 + (n % 500),
          n: 10 + (n % 50),
          vw: round2((open + mid) / 2),
          t,
        };
      }
      default:
        return undefined;
    }
  }

  /** The feed's clock: now, with nanoseconds that keep every message's time distinct. */
  private now(): FeedTime {
    const ms = Date.now();
    this.nanos = ms === this.lastMs ? this.nanos + 1 : 0;
    this.lastMs = ms;
    return { ms, nanos: this.nanos % 1_000_000 };
  }
}

/** A wildcard stands for every simulated asset of the feed's class. */
function expand(symbols: ReadonlySet<string>, crypto: boolean): Iterable<string> {
  if (!symbols.has("*")) return symbols;
  return ASSETS.filter((asset) => (asset.class === "crypto") === crypto).map((asset) => asset.symbol);
}
