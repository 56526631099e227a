/**
 * What a generated stream factory hands the runtime: the manifest's `streams.<name>` section and the
 * AsyncAPI document's channels, in runtime form. The generator writes one `StreamSpec` per stream
 * (`src/generated/<stream>/config.ts`); nothing here is broker-specific.
 */

/** What happens when a subscriber reads slower than messages arrive. */
export type BufferPolicy =
  /** Quotes, books: keep the newest `size` messages, dropping the oldest. */
  | "drop-oldest"
  /** Quotes, books: keep one message per `conflateKey` value (the latest), at most `size` keys. */
  | "conflate"
  /** Orders, trades: never drop; overflowing `size` ends the subscription with a StreamOverflowError. */
  | "error";

export interface BufferRule {
  policy: BufferPolicy;
  /** Most messages (or keys, for `conflate`) held for one subscriber. */
  size: number;
  /** For `conflate`: the message fields (dotted paths) whose values identify "the same thing". Default: none, so one slot. */
  conflateKey?: readonly string[];
}

/** A channel the client subscribes to: typed params in, typed messages out. */
export interface SubscriptionChannelSpec {
  kind: "subscription";
  /** Constant fields of the subscribe message, from the AsyncAPI payload's `const` values (e.g. `{ opcode: "QuotesSubscribe" }`). */
  fixed: Readonly<Record<string, unknown>>;
  buffer: BufferRule;
  /** The subscription replays a snapshot first (history), so a resubscribe after a reconnect may repeat messages. */
  snapshot?: boolean;
  /**
   * Dotted paths whose values together identify one message (e.g. an order's id and update time). A
   * message whose identity was already delivered is skipped, so a resubscribe that replays history
   * shows the consumer no duplicate.
   */
  dedupeBy?: readonly string[];
  /** The channel's address in its document, where the protocol needs it (Saxo: the REST resource its subscriptions are made on). */
  address?: string;
}

/** A channel the client sends commands on and awaits one reply per command (AsyncAPI request/reply). */
export interface CommandChannelSpec {
  kind: "command";
  fixed: Readonly<Record<string, unknown>>;
  /** The command changes state (places, modifies or cancels an order): an unanswered one is never re-sent blindly. */
  stateChanging: boolean;
}

export type ChannelSpec = SubscriptionChannelSpec | CommandChannelSpec;

/** A rate-limit rule for messages sent on the stream, in the throttle's own terms (shared with REST). */
export interface StreamRateLimit {
  name: string;
  limit: number;
  intervalMs: number;
  /** Channels it applies to; default every channel. */
  channels?: readonly string[];
}

export interface StreamSpec {
  broker: string;
  /** The manifest's stream name, e.g. `data`, `commands`. */
  name: string;
  /** The protocol adapter's name, e.g. `alor-ws`, `alor-cws`, `alpaca-data`, `saxo`. */
  protocol: string;
  /** Server key (in the manifest's environments) of the stream's URL. */
  server: string;
  /** Auth scheme name (from the manifest's `auth`) whose credential provider the stream shares with REST. */
  auth: string;
  /** No message (data or heartbeat) for this long: the socket is presumed dead and replaced. */
  idleTimeoutMs: number;
  /** Reconnect backoff: first delay and ceiling (equal jitter). */
  reconnect: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  /** Deadline for a subscribe or command acknowledgement. */
  ackTimeoutMs: number;
  limits: readonly StreamRateLimit[];
  channels: Readonly<Record<string, ChannelSpec>>;
}

/**
 * The type-level map a generated factory declares, e.g.
 * `{ quotes: { params: QuotesParams; message: QuotesMessage } }` for subscriptions and
 * `{ createLimitOrder: { params: CreateLimit; reply: CommandReply } }` for commands.
 */
export type SubscriptionMap = Record<string, { params: unknown; message: unknown }>;
export type CommandMap = Record<string, { params: unknown; reply: unknown }>;
