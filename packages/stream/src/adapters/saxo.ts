/**
 * Saxo's plain WebSocket streaming (`saxo`), as its developer documentation describes it:
 * - connect: `GET …/streamingws/connect?contextId=<ours>` upgraded to a WebSocket, with the bearer token
 *   in the Authorization header and the streaming service's load-balancer cookies (probed once by the
 *   REST client's sticky layer; the Cookie header comes from its jar). A reconnect adds
 *   `&messageid=<last id received>`: the server keeps the context's subscriptions and replays what
 *   came after that id.
 * - subscriptions are made over REST, not on the socket: `POST <resource>/subscriptions` with our
 *   ContextId and a ReferenceId answers the snapshot; deltas then arrive on the socket under that
 *   ReferenceId, and `DELETE <resource>/subscriptions/{ContextId}/{ReferenceId}` ends it. A remake
 *   (after `_resetsubscriptions`) names the old one in ReplaceReferenceId.
 * - frames are binary (see saxo-frames.ts); control messages are `_heartbeat`, `_resetsubscriptions`
 *   (the listed subscriptions, or all when none is listed, must be made again) and `_disconnect`.
 * - a refreshed token is given to the live connection with `PUT …/streamingws/authorize?contextId=…`.
 * Deltas are merged into the snapshot here (saxo-merge.ts): each message the consumer reads is a
 * SaxoUpdate with the raw data and the merged state.
 */
import { type BrokerRuntime, ConfigError } from "@brokerkit/middleware";
import type { ActiveSubscription, AdapterSocket, ConnectRequest, Incoming, ProtocolAdapter } from "../adapter.js";
import { StreamRequestError } from "../errors.js";
import { parseSaxoFrame, SaxoFrameError, type SaxoMessage } from "./saxo-frames.js";
import { applyDelta, initialState, type MergeRule } from "./saxo-merge.js";

export { parseSaxoFrame, SaxoFrameError, type SaxoFrameFault, type SaxoMessage } from "./saxo-frames.js";
export { applyDelta, initialState, type MergeRule } from "./saxo-merge.js";

/** What a delta of `T` holds: only the changed fields (of the changed items, for lists). */
export type SaxoDelta<T> = T extends readonly (infer Item)[] ? Partial<Item>[] : Partial<T>;

/** What a Saxo subscription delivers: its snapshot first, then one update per delta. */
export interface SaxoUpdate<T> {
  kind: "snapshot" | "delta";
  /** The subscription's ReferenceId (a new one after each remake). */
  referenceId: string;
  /** The delta's message id (a snapshot arrives over REST and has none). */
  messageId?: string;
  /** What arrived: the snapshot (its items, for lists) or the delta, as Saxo sent it. */
  data: T | SaxoDelta<T>;
  /** The subscription's state with this update merged in: a copy the consumer may keep. */
  state: T;
}

export interface SaxoStreamingOptions {
  /** The streaming connection's ContextId: 1–50 letters, digits, '-' or '_'. Default: a random one. */
  contextId?: string;
}

/** How each resource's deltas merge, by its path (Saxo's list resources name their items by these keys). */
const MERGE_RULES: Readonly<Record<string, MergeRule>> = {
  "/port/v1/orders": { kind: "list", key: "OrderId" },
  "/port/v1/positions": { kind: "list", key: "PositionId" },
  "/port/v1/netpositions": { kind: "list", key: "NetPositionId" },
  "/port/v1/closedpositions": { kind: "list", key: "ClosedPositionUniqueId" },
  "/ens/v1/activities": { kind: "events", keep: 1000 },
};
const OBJECT: MergeRule = { kind: "object" };
const CONTEXT_ID = /^[A-Za-z0-9_-]{1,50}$/;
/** Reasons in a `_heartbeat` after which no more data will come for that subscription. */
const GIVEN_UP = "SubscriptionPermanentlyDisabled";

interface LiveSubscription {
  referenceId: string;
  resource: string;
  rule: MergeRule;
  state: unknown;
  /** Deltas that arrived before the snapshot (the REST answer may come after the socket's first deltas). */
  early: SaxoMessage[] | undefined;
}

interface Handle {
  referenceId: string;
  resource: string;
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The `saxo` protocol adapter for one stream client; it holds the context's state (ids, merged data). */
export function saxoStreaming(runtime: BrokerRuntime, options: SaxoStreamingOptions = {}): ProtocolAdapter {
  const contextId = options.contextId ?? `bk-${crypto.randomUUID()}`;
  if (!CONTEXT_ID.test(contextId))
    throw new ConfigError("saxo streaming: options.contextId must be 1–50 letters, digits, '-' or '_'");
  const live = new Map<string, LiveSubscription>();
  let lastId: bigint | undefined;
  let resumed = false;
  let httpBase = "";
  let counter = 0;

  const label = (socket: AdapterSocket) => `${socket.spec.broker} ${socket.spec.name}`;

  async function rest(method: string, url: string, body?: unknown): Promise<Response> {
    return runtime.ownFetch(
      new Request(url, {
        method,
        ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      }),
    );
  }

  async function refused(socket: AdapterSocket, what: string, response: Response, channel?: string) {
    const text = await response.text().catch(() => "");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    const reason = (body as { Message?: unknown } | null)?.Message;
    return new StreamRequestError(
      `${label(socket)}: ${what} was refused (${response.status})${typeof reason === "string" ? `: ${reason}` : ""}`,
      { stream: label(socket), ...(channel ? { channel } : {}), code: response.status, body },
    );
  }

  function update(subscription: LiveSubscription, message: SaxoMessage): Incoming {
    subscription.state = applyDelta(subscription.rule, subscription.state, message.payload);
    const value: SaxoUpdate<unknown> = {
      kind: "delta",
      referenceId: subscription.referenceId,
      messageId: message.messageId,
      data: message.payload,
      state: copy(subscription.state),
    };
    return { kind: "data", key: subscription.referenceId, message: value };
  }

  function control(message: SaxoMessage): Incoming | undefined {
    const body = (Array.isArray(message.payload) ? message.payload[0] : message.payload) as
      | Record<string, unknown>
      | undefined;
    switch (message.referenceId) {
      case "_heartbeat": {
        const beats = Array.isArray(body?.Heartbeats) ? (body.Heartbeats as Record<string, unknown>[]) : [];
        const lost = beats
          .filter((beat) => beat?.Reason === GIVEN_UP && typeof beat.OriginatingReferenceId === "string")
          .map((beat) => beat.OriginatingReferenceId as string);
        // A subscription the server gave up on is made again; the other reasons only prove life.
        return lost.length > 0 ? { kind: "reset", keys: lost } : { kind: "heartbeat" };
      }
      case "_resetsubscriptions": {
        const targets = Array.isArray(body?.TargetReferenceIds)
          ? (body.TargetReferenceIds as unknown[]).filter((id): id is string => typeof id === "string")
          : [];
        return targets.length > 0 ? { kind: "reset", keys: targets } : { kind: "reset" };
      }
      case "_disconnect":
        // The server ends this connection: the next one starts afresh (no replay) and remakes everything.
        lastId = undefined;
        return { kind: "disconnect", reason: "_disconnect" };
      default:
        return { kind: "heartbeat" };
    }
  }

  function decode(frame: string | Uint8Array): Incoming[] {
    if (typeof frame === "string") return [{ kind: "malformed", reason: "a text frame (Saxo sends binary frames)" }];
    let messages: readonly SaxoMessage[];
    let fault: SaxoFrameError | undefined;
    try {
      messages = parseSaxoFrame(frame);
    } catch (error) {
      if (!(error instanceof SaxoFrameError)) throw error;
      fault = error;
      messages = error.messages;
    }
    const items: Incoming[] = [];
    for (const message of messages) {
      // A replay after a reconnect may start before what was already delivered: no duplicates.
      if (lastId !== undefined && message.id <= lastId) continue;
      lastId = message.id;
      if (message.referenceId.startsWith("_")) {
        const item = control(message);
        if (item) items.push(item);
        continue;
      }
      const subscription = live.get(message.referenceId);
      // Messages of a subscription already replaced or ended are late: nobody reads them.
      if (!subscription) continue;
      if (message.format !== "json") {
        items.push({
          kind: "malformed",
          reason: `a protobuf payload for ${message.referenceId}; subscribe with Format application/json`,
        });
        continue;
      }
      if (subscription.early) subscription.early.push(message);
      else items.push(update(subscription, message));
    }
    if (fault) items.push({ kind: "malformed", reason: fault.message });
    return items;
  }

  return {
    name: "saxo",
    binary: true,

    async prepare(base: string, token: () => Promise<string>): Promise<ConnectRequest> {
      httpBase = base.replace(/^ws(s?):/i, "http$1:").replace(/\/+$/, "");
      // The streaming service's one isalive probe (a no-op once done); its cookies land in the jar.
      await runtime.ensureSticky(`${runtime.baseUrl}/streaming/isalive`);
      resumed = lastId !== undefined;
      const query = `contextId=${encodeURIComponent(contextId)}${resumed ? `&messageid=${lastId}` : ""}`;
      const connect = `${httpBase}/connect?${query}`;
      const cookie = await runtime.cookieHeaderFor(connect);
      const headers: Record<string, string> = { Authorization: `Bearer ${await token()}` };
      if (cookie) headers.Cookie = cookie;
      return { url: connect.replace(/^http(s?):/i, "ws$1:"), headers };
    },

    resumed: () => resumed,

    decode,

    async subscribe(socket, request): Promise<ActiveSubscription> {
      const resource = request.spec.address;
      if (!resource)
        throw new ConfigError(`${label(socket)}: channel "${request.channel}" has no address (its REST resource)`);
      const referenceId = `${request.channel}-${++counter}`.slice(-50);
      const subscription: LiveSubscription = {
        referenceId,
        resource,
        rule: MERGE_RULES[resource] ?? OBJECT,
        state: undefined,
        early: [],
      };
      live.set(referenceId, subscription);
      request.route?.([referenceId]);
      const previous = request.previous?.handle as Handle | undefined;
      const body = {
        ...request.params,
        ...request.spec.fixed,
        ContextId: contextId,
        ReferenceId: referenceId,
        ...(previous ? { ReplaceReferenceId: previous.referenceId } : {}),
      };
      let response: Response;
      try {
        response = await rest("POST", `${runtime.baseUrl}${resource}/subscriptions`, body);
      } catch (error) {
        live.delete(referenceId);
        throw error;
      }
      if (!response.ok) {
        live.delete(referenceId);
        throw await refused(socket, `subscribing to ${request.channel}`, response, request.channel);
      }
      const created = (await response.json()) as { Snapshot?: unknown };
      if (previous) live.delete(previous.referenceId);
      subscription.state = initialState(subscription.rule, created.Snapshot);
      const snapshot: SaxoUpdate<unknown> = {
        kind: "snapshot",
        referenceId,
        data: copy(subscription.state),
        state: copy(subscription.state),
      };
      socket.inject({ kind: "data", key: referenceId, message: snapshot });
      const early = subscription.early ?? [];
      subscription.early = undefined;
      for (const message of early) socket.inject(update(subscription, message));
      const handle: Handle = { referenceId, resource };
      return { keys: [referenceId], handle };
    },

    async unsubscribe(socket, active, request): Promise<void> {
      const { referenceId, resource } = active.handle as Handle;
      live.delete(referenceId);
      const url = `${runtime.baseUrl}${resource}/subscriptions/${encodeURIComponent(contextId)}/${encodeURIComponent(referenceId)}`;
      const response = await rest("DELETE", url);
      // 404: the server no longer has it (expired or reset), which is what was asked.
      if (!response.ok && response.status !== 404)
        throw await refused(socket, `unsubscribing from ${request.channel}`, response, request.channel);
      await response.body?.cancel();
    },

    async reauthorize(socket): Promise<void> {
      // The REST stack's auth layer sets the current token; its sticky layer adds the cookies.
      const response = await rest("PUT", `${httpBase}/authorize?contextId=${encodeURIComponent(contextId)}`);
      if (!response.ok) throw await refused(socket, "re-authorising the streaming connection", response);
      await response.body?.cancel();
    },
  };
}
