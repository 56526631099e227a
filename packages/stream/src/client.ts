/**
 * A typed stream client over one managed socket: `subscribe()` gives an AsyncIterable per subscription
 * (bounded buffer with the channel's policy; `break` or an abort unsubscribes at the server), and
 * `command()` sends one request and awaits its reply. The token comes from the REST client's credential
 * provider (one single-flight refresh for both), and every message sent passes the REST client's
 * throttle plus the stream's own limits. After a reconnect every live subscription is made again; a
 * channel with `dedupeBy` skips what the replay repeats, and one with neither a snapshot nor dedupe
 * reports a possible gap.
 */
import {
  AmbiguousOutcomeError,
  type BrokerRuntime,
  ConfigError,
  createRateGate,
  type MiddlewareEvent,
  type Observer,
} from "@brokerkit/middleware";
import type { ActiveSubscription, Incoming, ProtocolAdapter, SubscribeRequest } from "./adapter.js";
import { MessageBuffer, valueAt } from "./buffer.js";
import { Connection, type LiveSocket } from "./connection.js";
import { StreamClosedError, StreamError, StreamOverflowError, StreamRequestError } from "./errors.js";
import type { CommandChannelSpec, CommandMap, StreamSpec, SubscriptionChannelSpec, SubscriptionMap } from "./spec.js";
import type { OpenOptions } from "./transport.js";

export interface StreamClientOptions {
  /** The stream's URL; default the REST client's server of the stream (`runtime.servers[spec.server]`). */
  url?: string;
  observer?: Observer;
  /** A WebSocket class to use instead of the global one or `ws`. */
  webSocket?: OpenOptions["webSocket"];
  /** How long the socket stays open once nothing uses it (no subscription, no command). Default 1000 ms. */
  lingerMs?: number;
  /** How often a live socket checks that its token is still current (and re-authorises it). Default 30 s. */
  tokenCheckMs?: number;
  /** Overrides of the manifest's timings. */
  idleTimeoutMs?: number;
  ackTimeoutMs?: number;
  reconnect?: Partial<StreamSpec["reconnect"]>;
}

export interface SubscribeOptions {
  signal?: AbortSignal;
}

/** One live subscription: iterate it; `break`, `unsubscribe()` or the signal ends it at the server. */
export interface Subscription<T> extends AsyncIterableIterator<T> {
  readonly channel: string;
  /** Messages waiting for the reader. */
  readonly depth: number;
  /** Messages the buffer policy dropped or conflated so far. */
  readonly dropped: number;
  /** Resolves once the broker acknowledged the subscription; rejects if it refused it. */
  readonly ready: Promise<void>;
  unsubscribe(): Promise<void>;
}

export interface StreamClient<S extends SubscriptionMap, C extends CommandMap> {
  subscribe<K extends keyof S & string>(
    channel: K,
    params: S[K]["params"],
    options?: SubscribeOptions,
  ): Subscription<S[K]["message"]>;
  command<K extends keyof C & string>(
    channel: K,
    params: C[K]["params"],
    options?: SubscribeOptions,
  ): Promise<C[K]["reply"]>;
  /** Live subscriptions and their buffer depths. */
  stats(): { connected: boolean; subscriptions: { channel: string; depth: number; dropped: number }[] };
  /** Ends every subscription, closes the socket and clears every timer. */
  close(): Promise<void>;
}

/** How many delivered identities a `dedupeBy` channel remembers per subscription. */
const DEDUPE_MEMORY = 10_000;
/** Times an unanswered command is re-sent with the same id, where the broker deduplicates by it. */
const COMMAND_RESENDS = 2;

interface SubscriptionState {
  channel: string;
  request: SubscribeRequest;
  buffer: MessageBuffer<unknown>;
  active: ActiveSubscription | undefined;
  /** The socket generation the subscription was made on. */
  generation: number;
  seen: Set<string> | undefined;
  lagging: boolean;
  ending: boolean;
  /** Aborted when the subscription ends: a wait for a rate slot ends with it, and the subscribe is never sent. */
  ended: AbortController;
}

export function createStreamClient<S extends SubscriptionMap, C extends CommandMap = Record<never, never>>(
  specIn: StreamSpec,
  adapter: ProtocolAdapter & { readonly commandsDeduplicated?: boolean },
  runtime: BrokerRuntime,
  options: StreamClientOptions = {},
): StreamClient<S, C> {
  const spec: StreamSpec = {
    ...specIn,
    idleTimeoutMs: options.idleTimeoutMs ?? specIn.idleTimeoutMs,
    ackTimeoutMs: options.ackTimeoutMs ?? specIn.ackTimeoutMs,
    reconnect: { ...specIn.reconnect, ...options.reconnect },
  };
  const label = `${spec.broker} ${spec.name}`;
  const configured = options.url ?? runtime.servers[spec.server];
  if (!configured) {
    throw new ConfigError(
      `${label}: no URL for server "${spec.server}" in environment "${runtime.environment}"; pass servers.${spec.server} to the REST client or url to the stream`,
    );
  }
  const url: string = configured;
  const emit = (event: MiddlewareEvent) => {
    try {
      options.observer?.(event);
    } catch {
      // An observer's failure must not break the stream it observes.
    }
  };
  const subscriptions = new Set<SubscriptionState>();
  /** Subscriptions per routing key: arrays replaced on change (a Set's iterator per message showed in profiles). */
  const routes = new Map<string, SubscriptionState[]>();
  let pendingCommands = 0;
  let lingerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborted by close(), then replaced: commands waiting for a rate slot then end, and are never sent. */
  let closing = new AbortController();
  let tokenTimer: ReturnType<typeof setInterval> | undefined;
  let authorizedToken: string | undefined;
  // The stream's own message limits need no HTTP throttle: a rate gate, and the channels each limit covers.
  const ownLimits = createRateGate({ name: label, limits: spec.limits });
  const limitsOf = (channel: string): string[] =>
    spec.limits.filter((limit) => !limit.channels || limit.channels.includes(channel)).map((limit) => limit.name);
  const identity = runtime.credentials.identity;

  const credentialHeaders = async (): Promise<Headers> => {
    const headers = new Headers();
    await runtime.credentials.apply(headers);
    return headers;
  };
  const token = async (): Promise<string> => {
    const value = (await credentialHeaders()).get("authorization") ?? "";
    return value.replace(/^Bearer\s+/i, "");
  };

  /** Like the REST auth layer after a 401: refresh once (shared), unless the token was already replaced. */
  const renew = async (rejected: string): Promise<string | undefined> => {
    const provider = runtime.credentials;
    if (!provider.onUnauthorized) return undefined;
    const replaced = await provider.onUnauthorized(new Headers({ authorization: `Bearer ${rejected}` }));
    return replaced ? token() : undefined;
  };

  const connection = new Connection({
    spec,
    adapter,
    url,
    label,
    token,
    credentialHeaders,
    renewToken: renew,
    emit,
    onIncoming: route,
    onReady: async (socket) => {
      authorizedToken = await token();
      startTokenChecks(socket);
      // A server that kept the subscriptions replays what was missed: they carry over to this socket.
      if (adapter.resumed?.()) {
        for (const state of subscriptions) if (state.active) state.generation = socket.generation;
        return;
      }
      // Subscriptions made on an earlier socket are made again; new ones are on their way already.
      await resubscribeAll(socket);
    },
    onGiveUp: (error) => {
      for (const state of subscriptions) state.buffer.fail(error);
    },
    wanted: () => subscriptions.size > 0 || pendingCommands > 0,
    ...(options.webSocket ? { open: { webSocket: options.webSocket } } : {}),
  });

  function startTokenChecks(socket: LiveSocket): void {
    if (!adapter.reauthorize) return;
    clearInterval(tokenTimer);
    tokenTimer = setInterval(() => void renewToken(socket).catch(() => {}), options.tokenCheckMs ?? 30_000);
    (tokenTimer as { unref?: () => void }).unref?.();
  }

  let renewing: Promise<void> | undefined;

  /**
   * Re-authorises the live socket when the shared credential holds a newer token than it was given.
   * One at a time: checks that come while a re-authorisation is on its way join it instead of sending another.
   */
  function renewToken(socket: LiveSocket): Promise<void> {
    renewing ??= renewTokenNow(socket).finally(() => {
      renewing = undefined;
    });
    return renewing;
  }

  async function renewTokenNow(socket: LiveSocket): Promise<void> {
    const current = await token();
    if (current === authorizedToken || !adapter.reauthorize) return;
    await adapter.reauthorize(socket, current);
    authorizedToken = current;
    emit({ type: "stream.reauthorize", stream: label });
  }

  function route(item: Incoming): void {
    switch (item.kind) {
      case "data": {
        const targets = routes.get(item.key);
        if (!targets) return;
        // setActive replaces these arrays rather than editing them, so an overflow that ends one is safe here.
        for (let i = 0; i < targets.length; i++) deliver(targets[i] as SubscriptionState, item.message);
        return;
      }
      case "reset": {
        const chosen = item.keys
          ? [...subscriptions].filter((state) => state.active?.keys.some((key) => item.keys?.includes(key)))
          : [...subscriptions];
        void connection.ready().then((socket) => Promise.all(chosen.map((state) => resubscribe(socket, state))));
        return;
      }
      case "disconnect":
        connection.replace(`the server asked to disconnect: ${item.reason}`);
        return;
      case "malformed":
        emit({ type: "stream.error", stream: label, reason: item.reason });
        return;
      default:
        return;
    }
  }

  function deliver(state: SubscriptionState, message: unknown): void {
    if (state.seen) {
      const dedupeBy = state.request.spec.dedupeBy as readonly string[];
      const identity =
        dedupeBy.length === 1
          ? JSON.stringify(valueAt(message, dedupeBy[0] as string))
          : dedupeBy.map((path) => JSON.stringify(valueAt(message, path))).join("|");
      if (state.seen.has(identity)) return;
      state.seen.add(identity);
      if (state.seen.size > DEDUPE_MEMORY) state.seen.delete(state.seen.values().next().value as string);
    }
    state.buffer.push(message);
    // An overflow failed the queue: end the subscription at the server too, or it keeps feeding a dead reader.
    if (state.buffer.closed && !state.ending) {
      void end(state);
      return;
    }
    const { size } = state.request.spec.buffer;
    const depth = state.buffer.depth;
    if (!state.lagging && depth * 2 >= size && size > 1) {
      state.lagging = true;
      emit({ type: "stream.lag", stream: label, channel: state.channel, depth, size, dropped: state.buffer.dropped });
    } else if (state.lagging && depth * 4 < size) state.lagging = false;
  }

  /**
   * Takes a slot in the REST throttle (same identity, through its layer: the stream's URL stands for the
   * request) and then in the stream's own limits for `channel`; `signal` ends a wait for either.
   */
  async function throttled<T>(channel: string, send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const own = () => ownLimits.run(send, { limits: limitsOf(channel), ...(signal ? { signal } : {}) });
    const shared = runtime.throttle;
    if (!shared) return own();
    let result: T | undefined;
    const gated = shared.layer(async () => {
      result = await own();
      return new Response(null, { status: 204 });
    });
    const request = new Request(`${url.replace(/^ws/, "http")}#${encodeURIComponent(channel)}`, {
      method: "POST",
      ...(signal ? { signal } : {}),
    });
    await gated(request, { attempt: 1, identity });
    return result as T;
  }

  async function subscribeNow(state: SubscriptionState, socket: LiveSocket): Promise<void> {
    // Messages that arrive with the ack are routed from the moment the adapter knows their keys.
    let early: ActiveSubscription | undefined;
    const request: SubscribeRequest = {
      ...state.request,
      ...(state.active ? { previous: state.active } : {}),
      route: (keys) => {
        early = { keys, handle: undefined };
        setActive(state, early, socket.generation);
      },
    };
    let active: ActiveSubscription;
    try {
      active = await throttled(state.channel, () => adapter.subscribe(socket, request), state.ended.signal);
    } catch (error) {
      if (early && state.active === early) setActive(state, undefined, state.generation);
      throw error;
    }
    if (state.ending) {
      setActive(state, undefined, state.generation);
      await adapter.unsubscribe(socket, active, state.request).catch(() => {});
      return;
    }
    setActive(state, active, socket.generation);
  }

  function setActive(state: SubscriptionState, active: ActiveSubscription | undefined, generation: number): void {
    for (const key of state.active?.keys ?? []) {
      const targets = routes.get(key)?.filter((other) => other !== state);
      if (targets && targets.length > 0) routes.set(key, targets);
      else routes.delete(key);
    }
    state.active = active;
    state.generation = generation;
    for (const key of active?.keys ?? []) {
      const targets = routes.get(key) ?? [];
      if (!targets.includes(state)) routes.set(key, [...targets, state]);
    }
  }

  async function resubscribe(socket: LiveSocket, state: SubscriptionState): Promise<void> {
    if (state.ending) return;
    const { spec: channelSpec } = state.request;
    // A replay of history is skipped by dedupe; without snapshot or dedupe, say what may be missing.
    if (!channelSpec.snapshot && !channelSpec.dedupeBy)
      emit({ type: "stream.gap", stream: label, channel: state.channel });
    try {
      await subscribeNow(state, socket);
      emit({ type: "stream.resubscribe", stream: label, channel: state.channel });
    } catch (error) {
      state.buffer.fail(error);
      forget(state);
    }
  }

  function resubscribeAll(socket: LiveSocket): Promise<unknown> {
    const stale = [...subscriptions].filter((state) => state.active && state.generation !== socket.generation);
    return Promise.all(stale.map((state) => resubscribe(socket, state)));
  }

  function forget(state: SubscriptionState): void {
    setActive(state, undefined, state.generation);
    subscriptions.delete(state);
    lingerIfIdle();
  }

  function lingerIfIdle(): void {
    clearTimeout(lingerTimer);
    if (subscriptions.size > 0 || pendingCommands > 0) return;
    lingerTimer = setTimeout(() => {
      if (subscriptions.size === 0 && pendingCommands === 0) {
        clearInterval(tokenTimer);
        connection.close(false);
      }
    }, options.lingerMs ?? 1000);
    (lingerTimer as { unref?: () => void }).unref?.();
  }

  async function end(state: SubscriptionState): Promise<void> {
    if (state.ending) return;
    state.ending = true;
    state.ended.abort(new StreamClosedError(`${label}: the "${state.channel}" subscription ended`, { stream: label }));
    state.buffer.end();
    const active = state.active;
    if (active && connection.isLive) {
      try {
        const socket = await connection.ready();
        if (socket.generation === state.generation) await adapter.unsubscribe(socket, active, state.request);
      } catch {
        // The socket is gone: so is the subscription at the server.
      }
    }
    forget(state);
  }

  function channelSpecOf(channel: string): SubscriptionChannelSpec | CommandChannelSpec {
    const found = spec.channels[channel];
    if (!found) {
      throw new ConfigError(`${label}: unknown channel "${channel}" (known: ${Object.keys(spec.channels).join(", ")})`);
    }
    return found;
  }

  return {
    subscribe(channel, params, subscribeOptions = {}) {
      const channelSpec = channelSpecOf(channel);
      if (channelSpec.kind !== "subscription") {
        throw new ConfigError(`${label}: "${channel}" is a command channel; use command()`);
      }
      clearTimeout(lingerTimer);
      const state: SubscriptionState = {
        channel,
        request: { channel, spec: channelSpec, params: (params ?? {}) as Record<string, unknown> },
        buffer: new MessageBuffer(
          channelSpec.buffer,
          (size) =>
            new StreamOverflowError(
              `${label}: the reader of "${channel}" fell ${size} messages behind; this channel never drops, so the subscription ended. Read faster or raise its buffer size`,
              { stream: label, channel, size },
            ),
        ),
        active: undefined,
        generation: 0,
        seen: channelSpec.dedupeBy && channelSpec.dedupeBy.length > 0 ? new Set() : undefined,
        lagging: false,
        ending: false,
        ended: new AbortController(),
      };
      subscriptions.add(state);
      const ready = (async () => {
        // A socket lost before the broker answered is retried on the next one, within the reconnect budget.
        for (let attempt = 0; ; attempt++) {
          const socket = await connection.ready();
          if (state.active || state.ending) return;
          try {
            return await subscribeNow(state, socket);
          } catch (error) {
            // Ended (unsubscribed or closed) while it waited: nothing to retry.
            if (state.ending) return;
            if (!(error instanceof StreamClosedError) || attempt >= spec.reconnect.maxAttempts) throw error;
          }
        }
      })();
      ready.catch((error: unknown) => {
        state.buffer.fail(error);
        forget(state);
      });
      const signal = subscribeOptions.signal;
      const onAbort = () => void end(state);
      if (signal?.aborted) void end(state);
      else signal?.addEventListener("abort", onAbort, { once: true });
      const iterator: Subscription<unknown> = {
        channel,
        get depth() {
          return state.buffer.depth;
        },
        get dropped() {
          return state.buffer.dropped;
        },
        ready: ready.then(() => undefined),
        unsubscribe: async () => {
          signal?.removeEventListener("abort", onAbort);
          await end(state);
        },
        next: () => state.buffer.next(),
        return: async () => {
          signal?.removeEventListener("abort", onAbort);
          await end(state);
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return iterator as never;
    },

    async command(channel, params, commandOptions = {}) {
      const channelSpec = channelSpecOf(channel);
      if (channelSpec.kind !== "command" || !adapter.command) {
        throw new ConfigError(`${label}: "${channel}" is not a command channel`);
      }
      const own = commandOptions.signal;
      if (own?.aborted) throw own.reason;
      // The caller's signal or close(), whichever comes first, ends a command still waiting.
      const signal = own ? AbortSignal.any([own, closing.signal]) : closing.signal;
      clearTimeout(lingerTimer);
      pendingCommands++;
      const id = crypto.randomUUID();
      // Re-sending with the same id is safe only where the broker executes an id once.
      const resends = channelSpec.stateChanging && !adapter.commandsDeduplicated ? 0 : COMMAND_RESENDS;
      try {
        let lastError: unknown;
        for (let attempt = 0; attempt <= resends; attempt++) {
          if (signal.aborted) throw signal.reason;
          let ack: Awaited<ReturnType<NonNullable<ProtocolAdapter["command"]>>>;
          try {
            const socket = await connection.ready();
            await renewToken(socket);
            ack = await throttled(
              channel,
              () =>
                (adapter.command as NonNullable<ProtocolAdapter["command"]>)(
                  socket,
                  channel,
                  channelSpec,
                  (params ?? {}) as Record<string, unknown>,
                  id,
                ),
              signal,
            );
          } catch (error) {
            // Ended by the caller or by close() while it waited for a slot: never sent, so not a lost reply.
            if (signal.aborted && error === signal.reason) throw error;
            if (!(error instanceof StreamError) || error instanceof StreamRequestError) throw error;
            lastError = error;
            continue;
          }
          if (!ack.ok) {
            throw new StreamRequestError(
              `${label}: ${channel} was refused (${ack.code ?? "?"}): ${ack.message ?? "no reason given"}`,
              {
                stream: label,
                channel,
                ...(ack.code === undefined ? {} : { code: ack.code }),
                body: ack.body,
              },
            );
          }
          return ack.body as never;
        }
        if (channelSpec.stateChanging) {
          throw new AmbiguousOutcomeError(
            `${label}: ${channel} got no answer${resends > 0 ? ` after ${resends + 1} sends with the same id` : ""}; the outcome is unknown. Check the broker's orders before sending it again${resends > 0 ? `, or send it with the same id ${id}, which the broker executes once` : ""}.`,
            { method: channel, cause: lastError, idempotencyKey: id },
          );
        }
        throw lastError;
      } finally {
        pendingCommands--;
        lingerIfIdle();
      }
    },

    stats() {
      return {
        connected: connection.isLive,
        subscriptions: [...subscriptions].map((state) => ({
          channel: state.channel,
          depth: state.buffer.depth,
          dropped: state.buffer.dropped,
        })),
      };
    },

    async close() {
      closing.abort(new StreamClosedError(`${label}: closed`, { stream: label }));
      closing = new AbortController();
      clearTimeout(lingerTimer);
      clearInterval(tokenTimer);
      const ending = [...subscriptions].map((state) => end(state));
      await Promise.allSettled(ending);
      connection.close(true);
      for (const state of subscriptions)
        state.buffer.fail(new StreamClosedError(`${label}: closed`, { stream: label }));
    },
  };
}
