/**
 * Alpaca's two WebSocket protocols, as Alpaca's documentation describes them:
 * - market data (`wss://stream.data.alpaca.markets/{version}/{feed}`): the server greets with
 *   `[{"T":"success","msg":"connected"}]`; the client sends `{"action":"auth","key","secret"}`, answered
 *   `authenticated` or an error with a code; `{"action":"subscribe"|"unsubscribe", trades:[…], quotes:[…], …}`
 *   is answered with the whole current subscription (`T: "subscription"`). Every frame is an array of
 *   messages told apart by `T`. Requests carry no id, so this adapter sends one control request at a
 *   time per socket and takes the next control answer as its reply.
 * - trading (`/stream` on the trading hosts): `auth` (or an OAuth token) is answered on the
 *   `authorization` stream; `{"action":"listen","data":{"streams":[…]}}` names the whole set of streams
 *   wanted and is answered on `listening`; order events arrive on `trade_updates`. Paper sends them as
 *   binary frames holding JSON.
 * Both speak JSON or MessagePack (asked for with `Content-Type: application/msgpack` on the handshake;
 * the requests are then MessagePack too). The MessagePack codec is imported by the first connection of a
 * MessagePack stream, so JSON streams (the default) never load it; they read text and binary frames
 * holding JSON. Several subscriptions may share a symbol: the server is asked only for what changes (a
 * symbol is unsubscribed when its last subscriber leaves).
 */
import { ConfigError } from "@brokerkit/middleware";
import type {
  Ack,
  ActiveSubscription,
  AdapterSocket,
  Incoming,
  ProtocolAdapter,
  SubscribeRequest,
} from "../adapter.js";
import { AlpacaStreamAuthError, alpacaStreamError } from "./alpaca-errors.js";

export type AlpacaCodec = "json" | "msgpack";

/** The id every control answer (auth, subscription, error) is routed to: one request is in flight at a time. */
const CONTROL = "control";

/** Market data message types (`T`) by the channel (subscribe-message field) that carries them. */
export const ALPACA_MESSAGE_TYPES: Readonly<Record<string, string>> = {
  trades: "t",
  quotes: "q",
  bars: "b",
  dailyBars: "d",
  updatedBars: "u",
  statuses: "s",
  lulds: "l",
  corrections: "c",
  cancelErrors: "x",
  orderbooks: "o",
  news: "n",
};
const CHANNEL_OF_TYPE = new Map(Object.entries(ALPACA_MESSAGE_TYPES).map(([channel, type]) => [type, channel]));

interface MsgpackCodec {
  decode(frame: Uint8Array): unknown;
  encode(value: unknown): Uint8Array;
}

/** The MessagePack codec once loaded (see loadMsgpack). */
let msgpack: MsgpackCodec | undefined;
let loadingMsgpack: Promise<MsgpackCodec> | undefined;

/**
 * Imports @msgpack/msgpack, once, for the first MessagePack stream (before its socket opens, so its first
 * frame can be read). Its timestamps (extension -1) become the RFC 3339 text the JSON codec carries
 * (nanoseconds, trailing zeros trimmed), so both codecs give the same messages.
 */
function loadMsgpack(): Promise<MsgpackCodec> {
  loadingMsgpack ??= import("@msgpack/msgpack").then(
    (module) => {
      const extensionCodec = new module.ExtensionCodec();
      extensionCodec.register({
        type: -1,
        encode: () => null,
        decode: (data) => rfc3339(module.decodeTimestampToTimeSpec(data)),
      });
      // One Decoder for every frame: module.decode() builds a new one per call. A Decoder is re-entrant
      // (it clones itself when a decode is already under way).
      const decoder = new module.Decoder({ extensionCodec });
      msgpack = {
        decode: (frame) => decoder.decode(frame),
        encode: (value) => module.encode(value),
      };
      return msgpack;
    },
    (error: unknown) => {
      loadingMsgpack = undefined;
      throw error;
    },
  );
  return loadingMsgpack;
}

function rfc3339({ sec, nsec }: { sec: number; nsec: number }): string {
  const whole = new Date(sec * 1000).toISOString().slice(0, 19);
  const fraction = nsec === 0 ? "" : `.${String(nsec).padStart(9, "0").replace(/0+$/, "")}`;
  return `${whole}${fraction}Z`;
}

/**
 * Parses one frame: text is JSON; bytes are JSON when they start like it (paper's binary frames), else
 * MessagePack on a MessagePack stream (a JSON stream has no MessagePack to read them with).
 */
function parseFrame(frame: string | Uint8Array, codec: AlpacaCodec): { value?: unknown; error?: string } {
  const kinds = codec === "msgpack" ? "neither JSON nor MessagePack" : "not JSON";
  try {
    if (typeof frame === "string") return { value: JSON.parse(frame) };
    let first = 0;
    while (first < frame.length && (frame[first] === 0x20 || frame[first] === 0x0a || frame[first] === 0x0d)) first++;
    // `[` and `{` open JSON; as MessagePack they would be lone integers, never a message.
    if (frame[first] === 0x5b || frame[first] === 0x7b) return { value: JSON.parse(new TextDecoder().decode(frame)) };
    if (codec === "json") throw new Error("binary frames of a JSON stream must hold JSON");
    if (!msgpack) throw new Error("the MessagePack codec is not loaded (the adapter's prepare loads it)");
    return { value: msgpack.decode(frame) };
  } catch (error) {
    return {
      error: `a frame that is ${kinds} (${frame.length} ${typeof frame === "string" ? "characters" : "bytes"}): ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

interface SocketState {
  /** Steps (auth, subscribe, unsubscribe) run one at a time: control answers carry no id. */
  queue: Promise<unknown>;
  /** Subscribers per channel and symbol on this socket. */
  counts: Map<string, Map<string, number>>;
}

const states = new WeakMap<AdapterSocket, SocketState>();

function stateOf(socket: AdapterSocket): SocketState {
  let state = states.get(socket);
  if (!state) {
    state = { queue: Promise.resolve(), counts: new Map() };
    states.set(socket, state);
  }
  return state;
}

/**
 * Runs `step` after every earlier step on this socket finished. A step reads and changes the socket's
 * subscription counts and sends at most a request or two, so each one sees the counts as the server
 * has them, and the next control answer is always its own.
 */
function exclusive<T>(socket: AdapterSocket, step: () => Promise<T>): Promise<T> {
  const state = stateOf(socket);
  const run = state.queue.then(step);
  state.queue = run.catch(() => {});
  return run;
}

/** The loaded MessagePack codec (a MessagePack adapter loads it in `prepare`, before its socket opens). */
function encoder(): MsgpackCodec {
  if (!msgpack) throw new ConfigError("alpaca stream: the MessagePack codec is not loaded (connect through prepare)");
  return msgpack;
}

/** Sends one control request and resolves with the next control answer (call it inside `exclusive`). */
function control(socket: AdapterSocket, codec: AlpacaCodec, request: Record<string, unknown>): Promise<Ack> {
  const answer = socket.awaitAck(CONTROL);
  try {
    socket.send(codec === "msgpack" ? encoder().encode(request) : request);
  } catch (error) {
    // Never sent (the socket is gone): its answer will not come, and its rejection is not news.
    answer.catch(() => {});
    return Promise.reject(error);
  }
  return answer;
}

const label = (socket: AdapterSocket) => `${socket.spec.broker} ${socket.spec.name}`;

/** The key pair of the stream's credential; Alpaca's streams take no other kind of secret in `auth`. */
async function keyPair(socket: AdapterSocket): Promise<{ key: string; secret: string } | { token: string }> {
  const headers = await socket.credentialHeaders();
  const key = headers.get("apca-api-key-id");
  const secret = headers.get("apca-api-secret-key");
  if (key && secret) return { key, secret };
  const bearer = headers.get("authorization")?.replace(/^Bearer\s+/i, "");
  if (bearer) return { token: bearer };
  throw new ConfigError(
    `${label(socket)}: the client has no Alpaca key pair (keyId and secretKey) to authenticate the stream with`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Market data

function decodeData(frame: string | Uint8Array, codec: AlpacaCodec): Incoming[] {
  const { value, error } = parseFrame(frame, codec);
  if (error !== undefined) return [{ kind: "malformed", reason: error }];
  const messages = Array.isArray(value) ? value : [value];
  const items: Incoming[] = [];
  for (const message of messages) {
    if (!message || typeof message !== "object") {
      items.push({ kind: "malformed", reason: "a message that is not a JSON object" });
      continue;
    }
    const fields = message as Record<string, unknown>;
    const type = fields.T;
    if (type === "success") {
      // The greeting proves life; "authenticated" answers the auth request.
      items.push(
        fields.msg === "connected"
          ? { kind: "heartbeat" }
          : { kind: "ack", id: CONTROL, ack: { ok: true, body: message } },
      );
    } else if (type === "subscription") {
      items.push({ kind: "ack", id: CONTROL, ack: { ok: true, body: message } });
    } else if (type === "error") {
      const ack: Ack = { ok: false, body: message };
      if (typeof fields.code === "number") ack.code = fields.code;
      if (typeof fields.msg === "string") ack.message = fields.msg;
      items.push({ kind: "ack", id: CONTROL, ack });
    } else if (typeof type === "string" && CHANNEL_OF_TYPE.has(type)) {
      // Routed by type and symbol, and to the type's wildcard subscribers (`*`).
      const symbols = type === "n" ? (Array.isArray(fields.symbols) ? fields.symbols : []) : [fields.S];
      for (const symbol of symbols) items.push({ kind: "data", key: `${type}:${String(symbol)}`, message });
      items.push({ kind: "data", key: `${type}:*`, message });
    } else {
      items.push({ kind: "malformed", reason: `a message of unknown type ${JSON.stringify(type)}` });
    }
  }
  return items;
}

/** The symbols a subscribe call names, from its params field named like the channel (e.g. `trades`). */
function symbolsOf(request: SubscribeRequest): string[] {
  const value = request.params[request.channel];
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === "string" && item)) {
    throw new ConfigError(
      `alpaca stream: subscribe("${request.channel}") needs params.${request.channel}, a non-empty list of symbols (or ["*"])`,
    );
  }
  // A wildcard covers every symbol: subscribing to others beside it would deliver messages twice.
  return value.includes("*") ? ["*"] : [...new Set(value as string[])];
}

/** What a MessagePack adapter adds: the codec's handshake header, and the codec imported before the first connect. */
const msgpackConnection: Pick<ProtocolAdapter, "handshakeHeaders" | "prepare"> = {
  handshakeHeaders: { "Content-Type": "application/msgpack" },
  async prepare(base) {
    await loadMsgpack();
    return { url: base };
  },
};

function createDataAdapter(codec: AlpacaCodec): ProtocolAdapter {
  return {
    name: codec === "msgpack" ? "alpaca-data-msgpack" : "alpaca-data",
    // No heartbeat message on Alpaca's streams, but the servers answer pings.
    pingWhenQuiet: true,
    ...(codec === "msgpack" ? msgpackConnection : {}),
    decode: (frame) => decodeData(frame, codec),
    async handshake(socket) {
      const credential = await keyPair(socket);
      if ("token" in credential) {
        throw new ConfigError(
          `${label(socket)}: Alpaca's market data stream takes a key pair (keyId and secretKey), not an OAuth token`,
        );
      }
      const ack = await exclusive(socket, () =>
        control(socket, codec, { action: "auth", key: credential.key, secret: credential.secret }),
      );
      if (!ack.ok) throw alpacaStreamError(label(socket), "authentication", ack.code, ack.message, ack.body);
    },
    async subscribe(socket, request): Promise<ActiveSubscription> {
      const type = ALPACA_MESSAGE_TYPES[request.channel];
      if (!type) throw new ConfigError(`${label(socket)}: no message type is known for channel "${request.channel}"`);
      const symbols = symbolsOf(request);
      const keys = symbols.map((symbol) => `${type}:${symbol}`);
      return exclusive(socket, async () => {
        const counts = stateOf(socket).counts;
        const perSymbol = counts.get(request.channel) ?? new Map<string, number>();
        counts.set(request.channel, perSymbol);
        const fresh = symbols.filter((symbol) => !perSymbol.has(symbol));
        for (const symbol of symbols) perSymbol.set(symbol, (perSymbol.get(symbol) ?? 0) + 1);
        // Messages right behind the answer must find their subscriber.
        request.route?.(keys);
        if (fresh.length > 0) {
          let ack: Ack;
          try {
            ack = await control(socket, codec, { action: "subscribe", [request.channel]: fresh });
          } catch (error) {
            release(perSymbol, symbols);
            throw error;
          }
          if (!ack.ok) {
            release(perSymbol, symbols);
            throw alpacaStreamError(
              label(socket),
              `subscribing to ${request.channel} ${fresh.join(",")}`,
              ack.code,
              ack.message,
              ack.body,
              request.channel,
            );
          }
        }
        return { keys, handle: symbols };
      });
    },
    unsubscribe(socket, subscription, request) {
      return exclusive(socket, async () => {
        const perSymbol = stateOf(socket).counts.get(request.channel);
        if (!perSymbol) return;
        const gone = release(perSymbol, subscription.handle as string[]);
        if (gone.length === 0) return;
        const ack = await control(socket, codec, { action: "unsubscribe", [request.channel]: gone });
        if (!ack.ok)
          throw alpacaStreamError(
            label(socket),
            `unsubscribing from ${request.channel}`,
            ack.code,
            ack.message,
            ack.body,
            request.channel,
          );
      });
    },
  };
}

/** Takes one subscriber off each symbol; returns the symbols nobody wants any more. */
function release(perSymbol: Map<string, number>, symbols: readonly string[]): string[] {
  const gone: string[] = [];
  for (const symbol of symbols) {
    const left = (perSymbol.get(symbol) ?? 1) - 1;
    if (left > 0) perSymbol.set(symbol, left);
    else {
      perSymbol.delete(symbol);
      gone.push(symbol);
    }
  }
  return gone;
}

/** Alpaca's market data stream (stocks, crypto, options, news), JSON frames. */
export const alpacaData: ProtocolAdapter = createDataAdapter("json");
/** The same over MessagePack (the options feed sends nothing else). */
export const alpacaDataMsgpack: ProtocolAdapter = createDataAdapter("msgpack");

// ---------------------------------------------------------------------------------------------------
// Trading (trade_updates)

const TRADE_UPDATES = "trade_updates";

function decodeTrading(frame: string | Uint8Array, codec: AlpacaCodec): Incoming[] {
  const { value, error } = parseFrame(frame, codec);
  if (error !== undefined) return [{ kind: "malformed", reason: error }];
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return [{ kind: "malformed", reason: "a frame that is not a JSON object" }];
  }
  const fields = value as Record<string, unknown>;
  const data = (fields.data ?? {}) as Record<string, unknown>;
  switch (fields.stream) {
    case "authorization": {
      const ok = data.status === "authorized";
      const ack: Ack = ok
        ? { ok, body: value }
        : { ok, code: 401, message: String(data.status ?? "unauthorized"), body: value };
      return [{ kind: "ack", id: CONTROL, ack }];
    }
    case "listening":
      return [{ kind: "ack", id: CONTROL, ack: { ok: true, body: value } }];
    case TRADE_UPDATES:
      return [{ kind: "data", key: TRADE_UPDATES, message: value }];
    default:
      return [{ kind: "malformed", reason: `a frame of unknown stream ${JSON.stringify(fields.stream)}` }];
  }
}

function createTradingAdapter(codec: AlpacaCodec): ProtocolAdapter {
  const listen = async (socket: AdapterSocket, streams: string[]) => {
    const ack = await control(socket, codec, { action: "listen", data: { streams } });
    const granted = ((ack.body as { data?: { streams?: unknown } }).data?.streams ?? []) as unknown[];
    if (streams.some((stream) => !granted.includes(stream))) {
      throw alpacaStreamError(
        label(socket),
        `listening to ${streams.join(", ")}`,
        undefined,
        `the server listens to ${JSON.stringify(granted)} only`,
        ack.body,
        "tradeUpdates",
      );
    }
  };
  return {
    name: codec === "msgpack" ? "alpaca-trading-msgpack" : "alpaca-trading",
    pingWhenQuiet: true,
    ...(codec === "msgpack" ? msgpackConnection : {}),
    decode: (frame) => decodeTrading(frame, codec),
    async handshake(socket) {
      const credential = await keyPair(socket);
      const request =
        "token" in credential
          ? { action: "authenticate", data: { oauth_token: credential.token } }
          : { action: "auth", key: credential.key, secret: credential.secret };
      const ack = await exclusive(socket, () => control(socket, codec, request));
      if (!ack.ok) {
        throw new AlpacaStreamAuthError(
          `${label(socket)}: authentication was refused (${ack.message ?? "unauthorized"})`,
          { stream: label(socket), body: ack.body },
        );
      }
    },
    subscribe(socket, request): Promise<ActiveSubscription> {
      return exclusive(socket, async () => {
        const counts = stateOf(socket).counts;
        const listeners = counts.get(TRADE_UPDATES) ?? new Map<string, number>();
        counts.set(TRADE_UPDATES, listeners);
        const first = !listeners.has(TRADE_UPDATES);
        listeners.set(TRADE_UPDATES, (listeners.get(TRADE_UPDATES) ?? 0) + 1);
        request.route?.([TRADE_UPDATES]);
        if (first) {
          try {
            await listen(socket, [TRADE_UPDATES]);
          } catch (error) {
            release(listeners, [TRADE_UPDATES]);
            throw error;
          }
        }
        return { keys: [TRADE_UPDATES], handle: [TRADE_UPDATES] };
      });
    },
    unsubscribe(socket) {
      return exclusive(socket, async () => {
        const listeners = stateOf(socket).counts.get(TRADE_UPDATES);
        if (!listeners || release(listeners, [TRADE_UPDATES]).length === 0) return;
        // `listen` names the whole set wanted: an empty one stops the updates.
        await listen(socket, []);
      });
    },
  };
}

/** Alpaca's trading stream (`trade_updates`), JSON requests; text and binary frames are both read. */
export const alpacaTrading: ProtocolAdapter = createTradingAdapter("json");
/** The same over MessagePack. */
export const alpacaTradingMsgpack: ProtocolAdapter = createTradingAdapter("msgpack");

export {
  ALPACA_STREAM_ERRORS,
  AlpacaConnectionLimitError,
  AlpacaInsufficientSubscriptionError,
  AlpacaStreamAuthError,
  AlpacaStreamError,
  AlpacaSymbolLimitError,
} from "./alpaca-errors.js";
