/**
 * One managed socket of a stream: connect (bounded), the adapter's handshake, an idle deadline that
 * replaces a silent socket, acknowledgements by id (bounded), and reconnects with backoff and jitter.
 * What runs on the socket (subscriptions, commands) is the client's; this file only keeps a live one.
 */
import { type MiddlewareEvent, redactUrl, registerSecret } from "@brokerkit/middleware";
import type { Ack, AdapterSocket, Incoming, ProtocolAdapter } from "./adapter.js";
import { StreamClosedError, StreamError } from "./errors.js";
import type { StreamSpec } from "./spec.js";
import { type OpenOptions, openSocket, type Socket } from "./transport.js";

export interface ConnectionOptions {
  spec: StreamSpec;
  adapter: ProtocolAdapter;
  url: string;
  label: string;
  token(): Promise<string>;
  credentialHeaders(): Promise<Headers>;
  renewToken(rejected: string): Promise<string | undefined>;
  emit(event: MiddlewareEvent): void;
  /** Every decoded item of every frame (acks are settled here first). */
  onIncoming(item: Incoming): void;
  /** A new socket is ready (after the handshake): `attempt` 1 is the first, more is a reconnect. */
  onReady(socket: LiveSocket, attempt: number): Promise<void>;
  /** The socket was lost and will not come back (reconnect budget spent, or closed). */
  onGiveUp(error: Error): void;
  /** Whether anyone still needs the socket; when not, a lost socket is not reopened. */
  wanted(): boolean;
  open?: OpenOptions;
  random?: () => number;
}

/** The socket an adapter and the client talk through. */
export interface LiveSocket extends AdapterSocket {
  readonly generation: number;
}

interface PendingAck {
  resolve(ack: Ack): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Connection {
  private socket: Socket | undefined;
  private live: LiveSocket | undefined;
  private connecting: Promise<LiveSocket> | undefined;
  private readonly acks = new Map<string, PendingAck>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Frames received (and pongs, for adapters that ping), for the idle deadline (see armIdle). */
  private frames = 0;
  /** The frame count at the last idle check, and since when (ms) it has not moved. */
  private framesChecked = 0;
  private quietSince = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private failures = 0;
  private closedByUs = false;
  private stopped = false;

  constructor(private readonly options: ConnectionOptions) {}

  /** The ready socket, connecting (once, shared by every caller) when there is none. */
  ready(): Promise<LiveSocket> {
    if (this.stopped) return Promise.reject(this.closedError("the stream client was closed"));
    if (this.live) return Promise.resolve(this.live);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  get isLive(): boolean {
    return this.live !== undefined;
  }

  /** Closes the socket on purpose (idle or shutdown); `stop` also forbids reopening it. */
  close(stop: boolean): void {
    if (stop) this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.closedByUs = true;
    this.dropSocket(this.closedError(stop ? "the stream client was closed" : "the stream was closed"));
  }

  /** Replaces the socket (after idleness, or a server's disconnect notice). */
  replace(reason: string): void {
    this.options.emit({ type: "stream.error", stream: this.options.label, reason });
    this.socket?.close(4000, "replaced by the client");
    this.onSocketClosed(4000, reason, this.socket);
  }

  private async connect(): Promise<LiveSocket> {
    const attempt = this.failures + 1;
    const { adapter, spec } = this.options;
    const prepared = adapter.prepare
      ? await adapter.prepare(this.options.url, async () => {
          const token = await this.options.token();
          registerSecret(token);
          return token;
        })
      : undefined;
    const url = prepared?.url ?? (adapter.url ? adapter.url(this.options.url) : this.options.url);
    this.closedByUs = false;
    const socket = await this.open(url, prepared?.headers);
    const generation = ++this.generation;
    const live: LiveSocket = {
      generation,
      spec,
      send: (frame) => {
        if (this.socket !== socket)
          throw new StreamError(`${this.options.label}: the connection was lost`, { stream: this.options.label });
        socket.send(typeof frame === "string" || frame instanceof Uint8Array ? frame : JSON.stringify(frame));
      },
      token: async () => {
        const token = await this.options.token();
        registerSecret(token);
        return token;
      },
      credentialHeaders: async () => {
        const headers = await this.options.credentialHeaders();
        for (const [, value] of headers) registerSecret(value);
        return headers;
      },
      renewToken: (rejected) => this.options.renewToken(rejected),
      newId: () => crypto.randomUUID(),
      awaitAck: (id) => this.awaitAck(id),
      // Not tied to this socket: what is injected arrived another way (a REST answer) and stays valid.
      inject: (item) => this.options.onIncoming(item),
    };
    try {
      await adapter.handshake?.(live);
    } catch (error) {
      socket.close(4001, "handshake failed");
      this.socket = undefined;
      throw error;
    }
    this.live = live;
    this.failures = 0;
    this.options.emit({ type: "stream.connect", stream: this.options.label, url: redactUrl(url), attempt });
    this.armIdle();
    await this.options.onReady(live, attempt);
    // Lost while it was being set up (a slow resubscribe): callers that shared this attempt, and the
    // reconnect timer that may have joined it, must see a failure and try again, not a dead socket.
    if (this.live !== live)
      throw this.closedError(`${this.options.label}: the connection was lost while it was set up`);
    return live;
  }

  /** Opens a socket, resolving once it is open; a close before that (refused, timed out) rejects. */
  private open(url: string, prepared?: Record<string, string>): Promise<Socket> {
    const { spec, label, adapter } = this.options;
    // Handshake headers: the adapter's fixed ones (a codec choice) and those prepared for this connect.
    const headers = adapter.handshakeHeaders || prepared ? { ...adapter.handshakeHeaders, ...prepared } : undefined;
    return new Promise<Socket>((resolve, reject) => {
      let socket: Socket | undefined;
      let opened = false;
      const timer = setTimeout(() => {
        reject(
          new StreamError(`${label}: no connection to ${redactUrl(url)} within ${spec.ackTimeoutMs} ms`, {
            stream: label,
          }),
        );
        socket?.close(4002, "connect timeout");
      }, spec.ackTimeoutMs);
      openSocket(
        url,
        {
          open: () => {
            opened = true;
            clearTimeout(timer);
            this.socket = socket;
            resolve(socket as Socket);
          },
          message: (data) => {
            if (this.socket === socket) this.onFrame(data);
          },
          close: (code, reason, error) => {
            clearTimeout(timer);
            if (!opened) {
              reject(
                new StreamError(
                  `${label}: could not connect to ${redactUrl(url)} (code ${code}${reason ? `, ${reason}` : ""})`,
                  {
                    stream: label,
                    ...(error === undefined ? {} : { cause: error }),
                  },
                ),
              );
              return;
            }
            this.onSocketClosed(code, reason, socket);
          },
          alive: () => {
            if (this.socket === socket) this.frames++;
          },
        },
        headers ? { ...this.options.open, headers: { ...this.options.open?.headers, ...headers } } : this.options.open,
      ).then(
        (created) => {
          socket = created;
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private onFrame(data: string | Uint8Array): void {
    this.frames++;
    for (const item of this.options.adapter.decode(data)) {
      if (item.kind === "ack") {
        const pending = this.acks.get(item.id);
        if (pending) {
          this.acks.delete(item.id);
          clearTimeout(pending.timer);
          pending.resolve(item.ack);
          continue;
        }
      }
      this.options.onIncoming(item);
    }
  }

  private awaitAck(id: string): Promise<Ack> {
    const { spec, label } = this.options;
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(
          new StreamError(`${label}: no answer to request ${id} within ${spec.ackTimeoutMs} ms`, { stream: label }),
        );
      }, spec.ackTimeoutMs);
      this.acks.set(id, { resolve, reject, timer });
    });
  }

  /**
   * No frame for idleTimeoutMs: the socket is presumed dead and replaced, never waited on forever.
   * Frames are only counted: a timer re-armed per frame showed in profiles, and so did a clock read per
   * frame (Date.now() took ~0.3 µs on a KVM guest, against ~4 µs for the whole message). A check every
   * eighth of the deadline sees whether the count moved, so a socket is replaced after at least
   * idleTimeoutMs of silence and at most an eighth later.
   */
  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.options.spec.idleTimeoutMs;
    // Halfway through a quiet spell, a ping asks for proof of life: a broker that sends no heartbeat
    // (Alpaca) answers it with a pong, so a quiet but healthy socket is kept instead of replaced.
    const pingWhenQuiet = this.options.adapter.pingWhenQuiet === true;
    let pinged = false;
    this.framesChecked = this.frames;
    this.quietSince = Date.now();
    const check = () => {
      const now = Date.now();
      if (this.frames !== this.framesChecked) {
        this.framesChecked = this.frames;
        this.quietSince = now;
        pinged = false;
      } else if (now - this.quietSince >= idleMs) {
        this.options.emit({ type: "stream.idle", stream: this.options.label, idleMs });
        this.replace(`no message for ${idleMs} ms`);
        return;
      } else if (pingWhenQuiet && !pinged && now - this.quietSince >= idleMs / 2) {
        pinged = true;
        try {
          this.socket?.ping?.();
        } catch {
          // Not open any more: the close event handles it.
        }
      }
      this.idleTimer = setTimeout(check, Math.max(1, Math.ceil(idleMs / 8)));
      unref(this.idleTimer);
    };
    this.idleTimer = setTimeout(check, Math.max(1, Math.ceil(idleMs / 8)));
    unref(this.idleTimer);
  }

  private onSocketClosed(code: number, reason: string, socket: Socket | undefined): void {
    if (socket !== undefined && socket !== this.socket) return;
    const lost = this.closedError(
      `${this.options.label}: the connection was lost (code ${code}${reason ? `, ${reason}` : ""})`,
    );
    const wasLive = this.live !== undefined;
    this.dropSocket(lost);
    if (wasLive) this.options.emit({ type: "stream.disconnect", stream: this.options.label, code, reason });
    if (!this.closedByUs && !this.stopped && this.options.wanted()) this.scheduleReconnect();
  }

  private dropSocket(error: Error): void {
    clearTimeout(this.idleTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.live = undefined;
    for (const [id, pending] of this.acks) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.acks.delete(id);
    }
    socket?.close(1000, "closing");
  }

  private scheduleReconnect(): void {
    const { reconnect } = this.options.spec;
    this.failures++;
    if (this.failures > reconnect.maxAttempts) {
      this.options.onGiveUp(
        this.closedError(`${this.options.label}: gave up after ${reconnect.maxAttempts} reconnect attempts`),
      );
      this.failures = 0;
      return;
    }
    const ceiling = Math.min(reconnect.maxDelayMs, reconnect.baseDelayMs * 2 ** (this.failures - 1));
    const delayMs = Math.round(ceiling / 2 + ((this.options.random ?? Math.random)() * ceiling) / 2);
    this.options.emit({ type: "stream.reconnect", stream: this.options.label, attempt: this.failures, delayMs });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped || !this.options.wanted()) return;
      this.ready().catch(() => {
        // connect() failed before a socket was live: no close event will follow, so try again from here.
        if (!this.live && !this.stopped && this.options.wanted()) this.scheduleReconnect();
      });
    }, delayMs);
  }

  private closedError(message: string): StreamClosedError {
    return new StreamClosedError(message, { stream: this.options.label });
  }
}

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}
