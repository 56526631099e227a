/**
 * The protocol adapter contract: the only broker-specific code of a stream. An adapter turns typed
 * subscribe, unsubscribe and command calls into frames, and frames into routed messages. Everything
 * else (sockets, reconnects, liveness, buffers, tokens, limits) is the runtime's.
 */
import type { ChannelSpec, CommandChannelSpec, StreamSpec, SubscriptionChannelSpec } from "./spec.js";

/** What the runtime offers an adapter on one live socket. */
export interface AdapterSocket {
  /** Sends a frame: objects as JSON text, strings and bytes as they are. */
  send(frame: unknown): void;
  /** The current access token of the stream's credential (refreshed single-flight with REST). */
  token(): Promise<string>;
  /**
   * The headers the stream's credential puts on a REST request (e.g. a key pair's two headers), for
   * protocols that authenticate with more than a bearer token. Every value is registered for redaction.
   */
  credentialHeaders(): Promise<Headers>;
  /**
   * After the broker refused `rejected` (expired): a newer token, refreshed once for REST and streams
   * alike, or undefined when the credential cannot give one.
   */
  renewToken(rejected: string): Promise<string | undefined>;
  /** A fresh unique id (a UUID), e.g. for a request guid. */
  newId(): string;
  /** Resolves with the acknowledgement routed to `id`, or rejects after the spec's ackTimeoutMs. */
  awaitAck(id: string): Promise<Ack>;
  /**
   * Hands the runtime a decoded item as if it had arrived on the socket: for protocols whose first
   * message (a snapshot) comes back on another channel, e.g. the answer to a REST call.
   */
  inject(item: Incoming): void;
  readonly spec: StreamSpec;
}

/** What an adapter adds to a connect request, computed afresh for each (re)connect. */
export interface ConnectRequest {
  url: string;
  /** Handshake headers (only a WebSocket implementation that takes headers, e.g. `ws`, sends them). */
  headers?: Record<string, string>;
}

export interface Ack {
  ok: boolean;
  /** The broker's status code, when it has one (ALOR's httpCode). */
  code?: number;
  /** The broker's message, for errors. */
  message?: string;
  /** The whole decoded frame, for command replies. */
  body: unknown;
}

/** One decoded item of an incoming frame. */
export type Incoming =
  /** A message for the subscriptions registered under `key`. */
  | { kind: "data"; key: string; message: unknown }
  /** The answer to a request sent with `id`. */
  | { kind: "ack"; id: string; ack: Ack }
  /** Proof of life with nothing to deliver. */
  | { kind: "heartbeat" }
  /** The server asked for subscriptions to be made again (all of them when `keys` is absent). */
  | { kind: "reset"; keys?: readonly string[] }
  /** The server will close the connection: reconnect. */
  | { kind: "disconnect"; reason: string }
  /** A frame the adapter could not read: reported as a `stream.error` event, the socket stays. */
  | { kind: "malformed"; reason: string };

export interface SubscribeRequest {
  channel: string;
  spec: SubscriptionChannelSpec;
  params: Readonly<Record<string, unknown>>;
  /**
   * Routes messages with these keys to the subscription from now on. An adapter that knows its keys
   * before the ack calls it before sending: brokers send data right behind the ack, often in the same
   * read, and those first messages (a book's snapshot) must not be lost.
   */
  route?(keys: readonly string[]): void;
  /** On a resubscribe: what the subscription left at the server before, so the adapter can replace it. */
  previous?: ActiveSubscription;
}

/** What a subscribe left at the server: the routing keys of its messages and what undoing it needs. */
export interface ActiveSubscription {
  keys: readonly string[];
  /** Adapter state kept for unsubscribe (e.g. the guid). */
  handle: unknown;
}

export interface ProtocolAdapter {
  readonly name: string;
  /** The URL to open, from the stream's base URL (an adapter may add a query, never a secret). */
  url?(base: string): string;
  /** Frames are binary (Saxo) or text (JSON). Default text. */
  readonly binary?: boolean;
  /**
   * The URL and headers of a (re)connect, when they depend on state or secrets (a token, cookies, the
   * last message id). Wins over `url`. `token` is the stream credential's current token.
   */
  prepare?(base: string, token: () => Promise<string>): Promise<ConnectRequest>;
  /**
   * After a reconnect: true when the server kept the subscriptions and replays what was missed (the
   * runtime then does not make them again); false or absent means every subscription is made again.
   */
  resumed?(): boolean;
  /**
   * The broker sends no heartbeat but answers WebSocket pings: halfway through a quiet spell the runtime
   * pings (where the transport can, i.e. `ws`) and a pong counts as life, so a quiet healthy socket is kept.
   */
  readonly pingWhenQuiet?: boolean;
  /** Headers of the opening handshake (e.g. a codec choice; never a secret, which may be logged). */
  readonly handshakeHeaders?: Readonly<Record<string, string>>;
  /** Runs after the socket opens and before anything is sent on it (e.g. an auth message). */
  handshake?(socket: AdapterSocket): Promise<void>;
  /** Makes one subscription at the server and resolves once it is acknowledged. */
  subscribe(socket: AdapterSocket, request: SubscribeRequest): Promise<ActiveSubscription>;
  /** Undoes it at the server. Resolves once acknowledged, or at once where the protocol has no ack. */
  unsubscribe(socket: AdapterSocket, subscription: ActiveSubscription, request: SubscribeRequest): Promise<void>;
  /** Sends one command and resolves with its reply (command channels only). */
  command?(
    socket: AdapterSocket,
    channel: string,
    spec: CommandChannelSpec,
    params: Readonly<Record<string, unknown>>,
    id: string,
  ): Promise<Ack>;
  /** Called when the credential's token changed, on a live socket (e.g. re-authorise it). */
  reauthorize?(socket: AdapterSocket, token: string): Promise<void>;
  /** Decodes one incoming frame. Must never throw: a bad frame is `{ kind: "malformed" }`. */
  decode(frame: string | Uint8Array): Incoming[];
}

export type { ChannelSpec };
