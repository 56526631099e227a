/**
 * The Saxo simulator's plain WebSocket streaming (`/sim/openapi/streamingws`), behind the load balancer:
 *  - `GET …/connect?contextId=…[&messageid=…]` upgraded to a WebSocket. The token comes in the
 *    Authorization header (or `authorization=BEARER …` in the query); the streaming service's affinity
 *    cookies must come too, or the request lands on a server that does not hold the session: 503.
 *  - each context numbers its messages; a reconnect with `messageid` replays what came after it (from a
 *    buffer of the last 1000), or asks for `_resetsubscriptions` when that is no longer possible.
 *  - data: deltas of the context's subscriptions (made over REST, kept in the SubscriptionRegistry):
 *    price changes on request, and order, position and balance changes after each order operation.
 *  - control messages: `_heartbeat` every `heartbeatMs`, `_resetsubscriptions` and `_disconnect` on request.
 *  - `PUT …/authorize?contextId=…` gives a live connection a new token. A connection whose token has
 *    expired is closed (code 1008) at its next message, as Saxo ends unauthorised streams.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { parseCookieHeader } from "../cookies.js";
import type { SaxoCounters } from "../counters.js";
import type { LoadBalancer } from "../load-balancer.js";
import type { OAuthServer } from "../oauth.js";
import { invalidModel, type Reply, saxoError } from "../reply.js";
import type { SimSubscription } from "../subscriptions.js";
import { encodeMessage } from "./frames.js";
import { clone, LIST_KEYS, listDelta, mergeInto, objectDelta, stateFromSnapshot } from "./merge.js";

export interface WsConnectRecord {
  contextId: string | undefined;
  /** The `messageid` a reconnect asked to resume after. */
  messageId: string | undefined;
  /** Whether the cookies pinned the request to the session's streaming server. */
  sticky: boolean;
  /** 101 when upgraded, else the status answered. */
  status: number;
}

export interface SaxoStreamingControls {
  /** `ws://127.0.0.1:<port>/sim/openapi/streamingws`. */
  url: string;
  /** Every connect attempt, in arrival order. */
  readonly connects: readonly WsConnectRecord[];
  /** Sockets open now. */
  openSockets(): number;
  /** Sends a price delta to every price and info-price subscription of `uic`; returns how many got one. */
  pushPrice(uic: number, change: Record<string, unknown>): number;
  /** Sends list and balance subscriptions what changed since their last message (done after each order operation). */
  refresh(): void;
  /** Sends `_resetsubscriptions` (naming `referenceIds`, or none: all) to one context or every one. */
  resetSubscriptions(referenceIds?: readonly string[], contextId?: string): void;
  /** Sends `_disconnect`, then closes the socket(s). */
  disconnect(contextId?: string): void;
  /** Destroys every socket without a close frame; returns how many. */
  dropConnections(): number;
  /** Sends raw bytes as one binary frame, or a string as a text frame (malformed-frame tests). */
  sendRaw(bytes: Uint8Array | string, contextId?: string): void;
  /**
   * The open sockets stop delivering, as when the network path dies: later messages are numbered and
   * kept for replay, but none reaches the client until it connects again.
   */
  stall(): void;
  /** A replay starts this many messages before the id asked for (a server that repeats some). */
  setReplayOverlap(count: number): void;
  /** The server's state of a subscription: its snapshot with every delta sent merged in. */
  stateOf(contextId: string, referenceId: string): unknown;
  /** Data messages (not control messages) sent per context, by reference id, in order. */
  readonly counts: { messages: number; replayed: number; reauthorizations: number; expiredTokenCloses: number };
}

interface Context {
  id: string;
  next: bigint;
  sent: { id: bigint; frame: Buffer }[];
  socket: WebSocket | undefined;
  token: string | undefined;
  /** The socket delivers nothing more (see `stall`). */
  stalled: boolean;
}

const CONTEXT_ID = /^[A-Za-z0-9_-]{1,50}$/;
const REPLAY_BUFFER = 1000;
const PRICE_RESOURCES = new Set(["/trade/v1/prices/subscriptions", "/trade/v1/infoprices/subscriptions"]);
const BALANCE_RESOURCE = "/port/v1/balances/subscriptions";
const ENS_RESOURCE = "/ens/v1/activities/subscriptions";

export interface StreamingWsDeps {
  basePath: string;
  oauth: OAuthServer;
  loadBalancer: LoadBalancer;
  counters: SaxoCounters;
  lostSessionStatus: number;
  heartbeatMs: number;
  /** Live subscriptions (the REST registry's). */
  subscriptions(): readonly SimSubscription[];
  /** The data a subscription's snapshot would hold now (the matching GET answer). */
  snapshotOf(subscription: SimSubscription): unknown;
}

export class StreamingWsHost {
  readonly connects: WsConnectRecord[] = [];
  readonly counts = { messages: 0, replayed: 0, reauthorizations: 0, expiredTokenCloses: 0 };
  private readonly contexts = new Map<string, Context>();
  private readonly states = new Map<string, { resource: string; state: unknown }>();
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false });
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private replayOverlap = 0;

  constructor(private readonly deps: StreamingWsDeps) {
    this.heartbeat = setInterval(() => this.beat(), deps.heartbeatMs);
    this.heartbeat.unref();
  }

  /** A subscription was created over REST: its snapshot starts the server's state of it. */
  onSubscribed(subscription: SimSubscription, snapshot: unknown): void {
    this.states.set(key(subscription.ContextId, subscription.ReferenceId), {
      resource: subscription.resource,
      state: stateFromSnapshot(subscription.resource, snapshot),
    });
  }

  /** An order was placed, changed or cancelled: an ENS activity, then what changed in lists and balances. */
  onOrderActivity(orderId: string | undefined, status: string): void {
    if (orderId)
      for (const subscription of this.live(ENS_RESOURCE))
        this.sendData(subscription, [
          { ActivityType: "Orders", ActivityTime: new Date().toISOString(), OrderId: orderId, Status: status },
        ]);
    this.refresh();
  }

  refresh(): void {
    for (const subscription of this.deps.subscriptions()) {
      const listKey = LIST_KEYS[subscription.resource];
      if (!listKey && subscription.resource !== BALANCE_RESOURCE) continue;
      const tracked = this.states.get(key(subscription.ContextId, subscription.ReferenceId));
      if (!tracked) continue;
      const now = stateFromSnapshot(subscription.resource, this.deps.snapshotOf(subscription));
      const delta = listKey
        ? listDelta(listKey, tracked.state as Record<string, unknown>[], now as Record<string, unknown>[])
        : objectDelta(tracked.state as Record<string, unknown>, now as Record<string, unknown>);
      if (Array.isArray(delta) ? delta.length > 0 : Object.keys(delta).length > 0) this.sendData(subscription, delta);
    }
  }

  pushPrice(uic: number, change: Record<string, unknown>): number {
    let sent = 0;
    for (const subscription of this.deps.subscriptions()) {
      if (!PRICE_RESOURCES.has(subscription.resource) || Number(subscription.Arguments.Uic) !== uic) continue;
      this.sendData(subscription, change);
      sent++;
    }
    return sent;
  }

  resetSubscriptions(referenceIds: readonly string[] = [], contextId?: string): void {
    for (const context of this.chosen(contextId))
      this.send(context, "_resetsubscriptions", {
        ReferenceId: "_resetsubscriptions",
        TargetReferenceIds: [...referenceIds],
      });
  }

  disconnect(contextId?: string): void {
    for (const context of this.chosen(contextId)) {
      this.send(context, "_disconnect", [{ ReferenceId: "_disconnect" }]);
      context.socket?.close(1000, "disconnected by the server");
    }
  }

  dropConnections(): number {
    let dropped = 0;
    for (const context of this.contexts.values()) {
      if (!context.socket) continue;
      context.socket.terminate();
      context.socket = undefined;
      dropped++;
    }
    return dropped;
  }

  sendRaw(bytes: Uint8Array | string, contextId?: string): void {
    for (const context of this.chosen(contextId)) context.socket?.send(bytes);
  }

  stall(): void {
    for (const context of this.contexts.values()) context.stalled = context.socket !== undefined;
  }

  setReplayOverlap(count: number): void {
    this.replayOverlap = Math.max(0, Math.floor(count));
  }

  stateOf(contextId: string, referenceId: string): unknown {
    return clone(this.states.get(key(contextId, referenceId))?.state);
  }

  openSockets(): number {
    return [...this.contexts.values()].filter((context) => context.socket).length;
  }

  /** `PUT …/authorize?contextId=…` with the new token in the Authorization header. */
  handle(method: string, url: URL, headers: IncomingMessage["headers"]): Reply {
    if (url.pathname !== `${this.deps.basePath}/authorize` || method !== "PUT")
      return saxoError(404, "NotFound", `No streaming resource ${method} ${url.pathname}`);
    const contextId = queryIgnoringCase(url, "contextid");
    if (!contextId || !CONTEXT_ID.test(contextId))
      return invalidModel({ contextId: ["contextId is required: 1-50 letters, digits, '-' or '_'"] });
    const authorization = typeof headers.authorization === "string" ? headers.authorization : undefined;
    const auth = this.deps.oauth.authenticate(authorization);
    if (!auth.ok) return auth.reply;
    if (!this.deps.loadBalancer.route("streaming", parseCookieHeader(headers.cookie)).sticky) {
      this.deps.counters.wrongBackend++;
      return saxoError(
        this.deps.lostSessionStatus,
        "SessionNotAvailable",
        "This streaming server does not hold the session",
      );
    }
    const context = this.contexts.get(contextId);
    if (!context?.socket)
      return saxoError(404, "ContextNotFound", `No streaming connection with contextId ${contextId}`);
    context.token = /^bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
    this.counts.reauthorizations++;
    return { status: 202 };
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    socket.on("error", () => socket.destroy());
    if (url.pathname !== `${this.deps.basePath}/connect`) {
      refuse(socket, 404);
      return;
    }
    const contextId = queryIgnoringCase(url, "contextid");
    const messageId = queryIgnoringCase(url, "messageid");
    const header = typeof req.headers.authorization === "string" ? req.headers.authorization : undefined;
    const credential = header ?? queryIgnoringCase(url, "authorization");
    const routing = this.deps.loadBalancer.route("streaming", parseCookieHeader(req.headers.cookie));
    const record: WsConnectRecord = { contextId, messageId, sticky: routing.sticky, status: 101 };
    this.connects.push(record);
    const auth = this.deps.oauth.authenticate(credential);
    if (!contextId || !CONTEXT_ID.test(contextId) || (messageId !== undefined && !/^\d{1,20}$/.test(messageId)))
      record.status = 400;
    else if (!auth.ok) record.status = 401;
    else if (!routing.sticky) {
      this.deps.counters.wrongBackend++;
      record.status = this.deps.lostSessionStatus;
    }
    if (record.status !== 101) {
      refuse(socket, record.status);
      return;
    }
    const token = /^bearer\s+(\S+)$/i.exec(credential?.trim() ?? "")?.[1];
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(contextId as string, ws, token, messageId));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const context of this.contexts.values()) context.socket?.terminate();
    this.wss.close();
  }

  private attach(contextId: string, ws: WebSocket, token: string | undefined, messageId: string | undefined): void {
    let context = this.contexts.get(contextId);
    const known = context !== undefined;
    if (!context) {
      context = { id: contextId, next: 1n, sent: [], socket: undefined, token, stalled: false };
      this.contexts.set(contextId, context);
    }
    // One connection per context: a new one replaces the old.
    context.socket?.terminate();
    context.socket = ws;
    context.token = token;
    context.stalled = false;
    const current = context;
    ws.on("error", () => {});
    ws.on("close", () => {
      if (current.socket === ws) current.socket = undefined;
    });
    if (messageId === undefined) return;
    const after = BigInt(messageId);
    const oldest = context.sent[0]?.id ?? context.next;
    if (!known || after + 1n < oldest || after >= context.next) {
      // Nothing to resume from: the client must make its subscriptions again.
      this.send(context, "_resetsubscriptions", { ReferenceId: "_resetsubscriptions", TargetReferenceIds: [] });
      return;
    }
    let start = context.sent.findIndex((message) => message.id > after);
    if (start < 0) start = context.sent.length;
    for (const message of context.sent.slice(Math.max(0, start - this.replayOverlap))) {
      ws.send(message.frame);
      this.counts.replayed++;
    }
  }

  private live(resource: string): SimSubscription[] {
    return this.deps.subscriptions().filter((subscription) => subscription.resource === resource);
  }

  private sendData(subscription: SimSubscription, delta: unknown): void {
    const tracked = this.states.get(key(subscription.ContextId, subscription.ReferenceId));
    if (tracked) tracked.state = mergeInto(tracked.resource, tracked.state, delta);
    const context = this.contexts.get(subscription.ContextId);
    if (!context) return;
    this.counts.messages++;
    this.send(context, subscription.ReferenceId, delta);
  }

  private send(context: Context, referenceId: string, payload: unknown): void {
    const id = context.next++;
    const frame = encodeMessage(id, referenceId, payload);
    context.sent.push({ id, frame });
    if (context.sent.length > REPLAY_BUFFER) context.sent.shift();
    const socket = context.socket;
    if (!socket) return;
    if (!context.token || !this.deps.oauth.authenticateToken(context.token).ok) {
      // The connection's token expired without a re-authorisation: the stream ends.
      this.counts.expiredTokenCloses++;
      context.socket = undefined;
      socket.close(1008, "the access token expired");
      return;
    }
    if (!context.stalled) socket.send(frame);
  }

  private beat(): void {
    for (const context of this.contexts.values()) {
      if (!context.socket) continue;
      const references = this.deps
        .subscriptions()
        .filter((subscription) => subscription.ContextId === context.id)
        .map((subscription) => ({ OriginatingReferenceId: subscription.ReferenceId, Reason: "NoNewData" }));
      this.send(context, "_heartbeat", [{ ReferenceId: "_heartbeat", Heartbeats: references }]);
    }
  }

  private chosen(contextId: string | undefined): Context[] {
    return [...this.contexts.values()].filter((context) => contextId === undefined || context.id === contextId);
  }
}

function key(contextId: string, referenceId: string): string {
  return `${contextId}\u0000${referenceId}`;
}

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} Rejected\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

function queryIgnoringCase(url: URL, name: string): string | undefined {
  for (const [field, value] of url.searchParams) if (field.toLowerCase() === name) return value;
  return undefined;
}
