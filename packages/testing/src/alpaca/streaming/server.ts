/**
 * The Alpaca simulator's WebSocket side, on the REST server's own port through its `upgrade` event:
 * the market data feeds (`ws://127.0.0.1:<port>/v2/iex`, `/v2/sip`, `/v1beta3/crypto/us`, …) and the
 * trading stream (`/stream`). A `Content-Type: application/msgpack` handshake header switches a socket to
 * MessagePack. Also the fault controls tests drive (drop every socket, go silent, send events again)
 * and what the server counted.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { openSocketControls } from "../../simulated-socket.js";
import type { TradeUpdate } from "../orders.js";
import { decodeFrame } from "./codec.js";
import { StreamConnection } from "./connection.js";
import { type AlpacaStreamCounters, newStreamCounters } from "./counters.js";
import { FEED_CHANNELS, MarketFeed, type MarketFeedOptions } from "./market-feed.js";
import { TradeUpdatesStream, type TradingAccounts } from "./trade-updates.js";

export interface AlpacaStreamOptions extends Partial<MarketFeedOptions> {
  /** A round of market data every this many ms; 0 (default) sends data only when a test calls tick(). */
  tickMs?: number;
}

export interface AlpacaStreamControls {
  /** `ws://127.0.0.1:<port>`: a feed's URL is this plus its path, e.g. `${dataBase}/v2/iex`. */
  dataBase: string;
  /** `ws://127.0.0.1:<port>/v2/iex`. */
  dataUrl: string;
  /** `ws://127.0.0.1:<port>/stream`. */
  tradingUrl: string;
  counters: AlpacaStreamCounters;
  /** Every feed socket's current subscription (after auth), as its subscription message lists it. */
  subscriptions(): Record<string, string[]>[];
  /** The streams each authenticated trading socket listens to. */
  listening(): string[][];
  /** Sends one round of market data to every subscribed socket, `rounds` times. */
  tick(rounds?: number): void;
  /** Destroys every open socket abruptly (no close frame); returns how many. */
  dropAll(): number;
  /** The sockets open now send nothing (no data, answer or pong) for `ms`, yet stay open. */
  silence(ms: number): void;
  /** Sends the last `count` trade updates of `accountId` again to its listening sockets; returns how many. */
  resendTradeUpdates(accountId: string, count: number): number;
}

export interface AlpacaStreamDeps {
  server: Server;
  /** The REST base URL, http://127.0.0.1:<port>. */
  url: string;
  accounts: TradingAccounts;
}

export function startAlpacaStreams(
  deps: AlpacaStreamDeps,
  options: AlpacaStreamOptions = {},
): { controls: AlpacaStreamControls; onTradeUpdate(update: TradeUpdate): void; close(): Promise<void> } {
  const counters = newStreamCounters();
  const open = new Set<StreamConnection>();
  const closed = new Set<Promise<void>>();
  const feed = new MarketFeed(
    {
      connectionLimit: options.connectionLimit ?? 1,
      symbolLimit: options.symbolLimit ?? Number.POSITIVE_INFINITY,
      feeds: options.feeds ?? Object.keys(FEED_CHANNELS),
      barEvery: options.barEvery ?? 10,
    },
    counters,
    (key, secret) => deps.accounts.ofKeyPair(key, secret),
    (accountId, path) => [...open].filter((c) => c.accountId === accountId && c.path === path && c.open).length,
  );
  const trading = new TradeUpdatesStream(deps.accounts, counters);
  let nextId = 1;
  let closing = false;
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, autoPong: false });
  const ticker = options.tickMs ? setInterval(() => feed.tick(), options.tickMs) : undefined;
  ticker?.unref();

  function accept(socket: WebSocket, path: string, request: IncomingMessage): void {
    if (closing) {
      socket.terminate();
      return;
    }
    const msgpack = /application\/msgpack/i.test(request.headers["content-type"] ?? "");
    const isTrading = path === "/stream";
    const connection = new StreamConnection(nextId++, path, socket, msgpack ? "msgpack" : "json", isTrading);
    const count = counters.connections[isTrading ? "trading" : "data"];
    count.current++;
    count.total++;
    if (msgpack) counters.msgpackSockets++;
    open.add(connection);
    if (!isTrading) feed.attach(connection);
    socket.on("message", (frame: Buffer, isBinary: boolean) => {
      let message: unknown;
      try {
        message = decodeFrame(frame, isBinary);
      } catch {
        connection.send(
          isTrading
            ? { stream: "error", data: { error: "invalid syntax" } }
            : [{ T: "error", code: 400, msg: "invalid syntax" }],
        );
        return;
      }
      if (isTrading) trading.handle(connection, message);
      else feed.handle(connection, message);
    });
    socket.on("ping", () => counters.pings++);
    socket.on("error", () => {});
    const done = new Promise<void>((resolve) =>
      socket.once("close", () => {
        open.delete(connection);
        count.current--;
        feed.detach(connection);
        trading.detach(connection);
        closed.delete(done);
        resolve();
      }),
    );
    closed.add(done);
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (closing || !(path === "/stream" || path in FEED_CHANNELS)) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, path, request));
  }
  deps.server.on("upgrade", onUpgrade);

  const base = deps.url.replace(/^http/, "ws");
  const controls: AlpacaStreamControls = {
    dataBase: base,
    dataUrl: `${base}/v2/iex`,
    tradingUrl: `${base}/stream`,
    counters,
    subscriptions: () =>
      [...open].map((c) => feed.subscription(c)).filter((s): s is Record<string, string[]> => s !== undefined),
    listening: () => [...open].map((c) => trading.streamsOf(c)).filter((s): s is string[] => s !== undefined),
    tick(rounds = 1) {
      if (!Number.isInteger(rounds) || rounds < 1)
        throw new Error(`tick: rounds must be a positive integer, got ${rounds}`);
      for (let i = 0; i < rounds; i++) feed.tick();
    },
    ...openSocketControls(open, counters),
    resendTradeUpdates: (accountId, count) => trading.resend(accountId, count),
  };

  return {
    controls,
    onTradeUpdate: (update) => trading.publish(update),
    async close() {
      closing = true;
      clearInterval(ticker);
      deps.server.off("upgrade", onUpgrade);
      const pending = [...closed];
      for (const connection of open) connection.destroy();
      await Promise.all(pending);
      wss.close();
    },
  };
}
