/**
 * The ALOR simulator's WebSocket side: `ws://127.0.0.1:<port>/ws` (data) and `/cws` (commands) on the
 * REST server's own port, through its `upgrade` event. Also the fault controls tests drive: drop every
 * socket, go silent, flood a subscription, lose a command reply; and what the server counted.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { openSocketControls } from "../../simulated-socket.js";
import type { SlidingWindowLimiter } from "../rate-limiter.js";
import type { AlorWorld } from "../route.js";
import type { TokenIssuer } from "../tokens.js";
import { CommandSocket } from "./command-socket.js";
import { WsConnection, type WsPath } from "./connection.js";
import { type AlorWsCounters, newWsCounters } from "./counters.js";
import { type AlorWsSubscription, DataSocket } from "./data-socket.js";
import type { ObservableTrading } from "./observable-trading.js";

export interface AlorWsControls {
  /** `ws://127.0.0.1:<port>/ws`, the data socket. */
  dataUrl: string;
  /** `ws://127.0.0.1:<port>/cws`, the command socket. */
  commandUrl: string;
  counters: AlorWsCounters;
  /** Sockets per path, open now and in total (the same objects as `counters.connections`). */
  connections: AlorWsCounters["connections"];
  /** Live data subscriptions by guid, with opcode and params (a fresh map on each read). */
  readonly subscriptions: ReadonlyMap<string, AlorWsSubscription>;
  /** How many times each command guid was executed (a duplicate guid is answered, not executed). */
  commandExecutions: ReadonlyMap<string, number>;
  /** Destroys every open socket abruptly (no close frame); returns how many. */
  dropAll(): number;
  /** The sockets open now send nothing (no data, answer or pong) for `ms`, yet stay open and keep handling requests. */
  silence(ms: number): void;
  /**
   * Sends `count` data messages to subscription `guid` as fast as possible: the channel's own items
   * (distinct where they have an identity; an order channel needs an order in its portfolio), or
   * `data(i)` as the `data` field when given. Resolves when all are handed to the socket.
   */
  flood(guid: string, count: number, data?: (i: number) => unknown): Promise<void>;
  /** The next `times` order commands execute, but their replies are withheld (an ambiguous outcome). */
  loseNextReply(times?: number): void;
}

export interface AlorWsDeps {
  server: Server;
  /** The REST base URL, http://127.0.0.1:<port>. */
  url: string;
  tokens: TokenIssuer;
  world: AlorWorld;
  trading: ObservableTrading;
  limiter: SlidingWindowLimiter;
}

const PATHS: readonly string[] = ["/ws", "/cws"];

export function startAlorWebSockets(deps: AlorWsDeps): { controls: AlorWsControls; close(): Promise<void> } {
  const counters = newWsCounters();
  const data = new DataSocket({ tokens: deps.tokens, world: deps.world, counters });
  const commands = new CommandSocket({ tokens: deps.tokens, world: deps.world, limiter: deps.limiter, counters });
  const open = new Set<WsConnection>();
  const closed = new Map<WsConnection, Promise<void>>();
  let nextId = 1;
  let closing = false;
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, autoPong: false });
  const stopObserving = deps.trading.observe((event) => data.onTrading(event));

  function accept(socket: WebSocket, path: WsPath, request: IncomingMessage): void {
    if (closing) {
      socket.terminate();
      return;
    }
    const connection = new WsConnection(nextId++, path, socket, request);
    open.add(connection);
    counters.connections[path].current++;
    counters.connections[path].total++;
    if (path === "/ws") data.attach(connection);
    const handler = path === "/ws" ? data : commands;
    socket.on("message", (frame) => {
      try {
        handler.handle(connection, frame.toString());
      } catch (error) {
        connection.answer(null, { httpCode: 500, message: `simulator error: ${String(error)}` });
      }
    });
    // A client's protocol error closes its socket; the close below does the bookkeeping.
    socket.on("error", () => {});
    closed.set(
      connection,
      new Promise((resolve) =>
        socket.once("close", () => {
          open.delete(connection);
          closed.delete(connection);
          counters.connections[path].current--;
          if (path === "/ws") data.detach(connection);
          resolve();
        }),
      ),
    );
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (closing || !PATHS.includes(path)) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, path as WsPath, request));
  }
  deps.server.on("upgrade", onUpgrade);

  const base = deps.url.replace(/^http/, "ws");
  const controls: AlorWsControls = {
    dataUrl: `${base}/ws`,
    commandUrl: `${base}/cws`,
    counters,
    connections: counters.connections,
    get subscriptions() {
      return data.subscriptions();
    },
    commandExecutions: commands.executions,
    ...openSocketControls(open, counters),
    flood: (guid, count, make) => data.flood(guid, count, make),
    loseNextReply: (times) => commands.loseNextReply(times),
  };

  return {
    controls,
    async close() {
      closing = true;
      stopObserving();
      deps.server.off("upgrade", onUpgrade);
      data.close();
      const pending = [...closed.values()];
      for (const connection of open) connection.destroy();
      await Promise.all(pending);
      wss.close();
    },
  };
}
