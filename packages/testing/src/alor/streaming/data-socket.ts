/**
 * ALOR's data socket (`/ws`). Each request carries an opcode, the client's `guid` and the JWT in
 * `token`; the JWT is checked on every subscribe and unsubscribe (a subscription already made keeps
 * flowing after its JWT expires, as at ALOR). Answers are `{ requestGuid, httpCode, message }`; data is
 * `{ data, guid }` in the subscription's format, the snapshot first (unless skipHistory), then changes.
 */
import { fail } from "../http.js";
import type { AlorWorld, Caller } from "../route.js";
import type { TokenIssuer } from "../tokens.js";
import type { WsConnection } from "./connection.js";
import type { AlorWsCounters } from "./counters.js";
import type { Feed, FeedOpener, Item } from "./feed.js";
import { DEFAULT_FREQUENCY_MS, inFormat, MIN_FREQUENCY_MS, WS_FORMATS, type WsFormat } from "./formats.js";
import { MARKET_CHANNELS } from "./market-channels.js";
import {
  exchangeField,
  type Message,
  optionalInteger,
  optionalString,
  parseRequest,
  refusal,
} from "./message-fields.js";
import type { TradingEvent } from "./observable-trading.js";
import { PORTFOLIO_CHANNELS } from "./portfolio-channels.js";

const CHANNELS: Readonly<Record<string, FeedOpener>> = { ...MARKET_CHANNELS, ...PORTFOLIO_CHANNELS };
const HANDLED = "Handled successfully";
const INVALID_JWT = "Invalid JWT token!";
/** A flood yields to the event loop after this many frames, so the socket can write while it runs. */
const FLOOD_BATCH = 1000;

/** A live subscription as tests see it. */
export interface AlorWsSubscription {
  guid: string;
  opcode: string;
  /** The subscribe message without its token. */
  params: Readonly<Record<string, unknown>>;
  format: WsFormat;
  /** The push interval of market data in ms, after raising it to the format's minimum. */
  frequency: number;
  /** The JWT's login. */
  login: string;
  /** The connection it lives on (numbered from 1 per simulator). */
  connection: number;
  /** Data messages sent to it so far. */
  sent: number;
}

interface Live {
  info: AlorWsSubscription;
  feed: Feed;
  connection: WsConnection;
  timer?: ReturnType<typeof setInterval>;
  active: boolean;
}

export interface DataSocketDeps {
  tokens: TokenIssuer;
  world: AlorWorld;
  counters: AlorWsCounters;
}

export class DataSocket {
  private readonly live = new Map<WsConnection, Map<string, Live>>();

  constructor(private readonly deps: DataSocketDeps) {}

  attach(connection: WsConnection): void {
    this.live.set(connection, new Map());
  }

  /** The socket closed: its subscriptions end with it. */
  detach(connection: WsConnection): void {
    for (const subscription of this.live.get(connection)?.values() ?? []) this.stop(subscription);
    this.live.delete(connection);
  }

  /** Every live subscription by guid (the latest connection's, should two connections share a guid). */
  subscriptions(): Map<string, AlorWsSubscription> {
    const all = new Map<string, AlorWsSubscription>();
    for (const subscriptions of this.live.values()) {
      for (const [guid, { info }] of subscriptions) all.set(guid, info);
    }
    return all;
  }

  handle(connection: WsConnection, text: string): void {
    const request = parseRequest(text);
    if (!request.ok) {
      this.refuse(connection, request.guid, { httpCode: 400, message: request.error });
      return;
    }
    const { message, guid, opcode } = request;
    if (opcode === "unsubscribe") {
      this.unsubscribe(connection, message, guid);
      return;
    }
    const open = CHANNELS[opcode];
    if (!open) {
      this.refuse(connection, guid, { httpCode: 400, message: `unknown opcode '${opcode}'` });
      return;
    }
    const caller = this.caller(connection, message, guid);
    if (caller) this.subscribe(connection, { message, guid, opcode, open, caller });
  }

  /** Pushes a trading-book change to every portfolio subscription it concerns. */
  onTrading(event: TradingEvent): void {
    for (const subscriptions of this.live.values()) {
      for (const subscription of subscriptions.values()) {
        const items = subscription.feed.react?.(event);
        if (items?.length) this.push(subscription, items);
      }
    }
  }

  /** Sends `count` data messages to the subscription `guid` as fast as the socket takes them. */
  async flood(guid: string, count: number, data?: (i: number) => unknown): Promise<void> {
    if (!Number.isSafeInteger(count) || count < 1)
      throw new Error(`flood: count must be a positive integer, got ${count}`);
    const subscription = this.find(guid);
    if (!subscription) throw new Error(`flood: no live subscription with guid ${guid}`);
    const { feed, info } = subscription;
    const frame = (i: number) => ({ data: data ? data(i) : inFormat(feed.kind, info.format, feed.sample(i)), guid });
    let next = frame(0);
    for (let i = 0; i < count && subscription.active; i++) {
      if (subscription.connection.send(next)) this.sent(subscription);
      if (i + 1 < count) next = frame(i + 1);
      if ((i + 1) % FLOOD_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Stops every feed (the server is closing). */
  close(): void {
    for (const connection of [...this.live.keys()]) this.detach(connection);
  }

  private subscribe(
    connection: WsConnection,
    request: { message: Message; guid: string; opcode: string; open: FeedOpener; caller: Caller },
  ): void {
    const { message, guid, opcode, open, caller } = request;
    let subscription: Live;
    try {
      const format = formatOf(message);
      const feed = open({ message, exchange: exchangeField(message), caller, world: this.deps.world, now: new Date() });
      const { token: _secret, ...params } = message;
      subscription = {
        info: {
          guid,
          opcode,
          params,
          format,
          frequency: frequencyOf(message, format),
          login: caller.user.login,
          connection: connection.id,
          sent: 0,
        },
        feed,
        connection,
        active: true,
      };
    } catch (error) {
      this.refuse(connection, guid, refusal(error));
      return;
    }
    const subscriptions = this.live.get(connection);
    if (!subscriptions) return;
    const replaced = subscriptions.get(guid);
    if (replaced) this.stop(replaced);
    subscriptions.set(guid, subscription);
    this.deps.counters.subscribed++;
    connection.answer(guid, { httpCode: 200, message: HANDLED });
    this.push(subscription, subscription.feed.snapshot);
    const { tick } = subscription.feed;
    if (tick) {
      subscription.timer = setInterval(() => this.push(subscription, tick(Date.now())), subscription.info.frequency);
      subscription.timer.unref();
    }
  }

  private unsubscribe(connection: WsConnection, message: Message, guid: string): void {
    if (!this.caller(connection, message, guid)) return;
    const subscriptions = this.live.get(connection);
    const subscription = subscriptions?.get(guid);
    if (!subscriptions || !subscription) {
      this.refuse(connection, guid, { httpCode: 400, message: `no subscription with guid ${guid} on this connection` });
      return;
    }
    this.stop(subscription);
    subscriptions.delete(guid);
    this.deps.counters.unsubscribed++;
    connection.answer(guid, { httpCode: 200, message: HANDLED });
  }

  /** The JWT's user, or undefined after answering 401. */
  private caller(connection: WsConnection, message: Message, guid: string): Caller | undefined {
    const token = typeof message.token === "string" && message.token ? message.token : undefined;
    const check = this.deps.tokens.check(token && `Bearer ${token}`);
    if (check.ok) return check;
    this.deps.counters.unauthorized++;
    connection.answer(guid, { httpCode: 401, message: INVALID_JWT });
    return undefined;
  }

  private refuse(connection: WsConnection, guid: string | null, answer: { httpCode: number; message: string }): void {
    this.deps.counters.refused++;
    connection.answer(guid, answer);
  }

  private push(subscription: Live, items: readonly Item[]): void {
    const { feed, info, connection } = subscription;
    for (const item of items) {
      if (connection.send({ data: inFormat(feed.kind, info.format, item), guid: info.guid })) this.sent(subscription);
    }
  }

  private sent(subscription: Live): void {
    subscription.info.sent++;
    this.deps.counters.dataMessages++;
  }

  private stop(subscription: Live): void {
    subscription.active = false;
    clearInterval(subscription.timer);
  }

  private find(guid: string): Live | undefined {
    let found: Live | undefined;
    for (const subscriptions of this.live.values()) found = subscriptions.get(guid) ?? found;
    return found;
  }
}

function formatOf(message: Message): WsFormat {
  const raw = optionalString(message, "format");
  if (raw === undefined) return "Simple";
  const format = WS_FORMATS.find((f) => f.toLowerCase() === raw.toLowerCase());
  if (!format) throw fail(400, `field 'format' must be one of ${WS_FORMATS.join(", ")}, got '${raw}'`);
  return format;
}

/** `frequency`, raised to the format's minimum. */
function frequencyOf(message: Message, format: WsFormat): number {
  const asked = optionalInteger(message, "frequency", { min: 0 }) ?? DEFAULT_FREQUENCY_MS;
  return Math.max(asked, MIN_FREQUENCY_MS[format]);
}
