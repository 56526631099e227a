/**
 * Hand-written (not generated). The connection loop of an EventStream (event-stream.ts), imported by its
 * first `next()`: connects through the client's stack, parses the Server-Sent Events with
 * eventsource-parser, skips events already delivered, and reconnects with backoff after a drop, resuming
 * after the last event seen. See event-stream.ts for the rules.
 */
import { AuthError, ConfigError, HttpError, MalformedResponseError, sleep } from "@brokerkit/middleware";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { httpErrorOf } from "../shared/http-error.js";
import {
  type EventId,
  EventStreamError,
  type EventStreamInit,
  type EventStreamOptions,
  lastEventIdOf,
  type StreamProgress,
} from "./event-stream.js";

/** A connection that stayed up this long counts as progress, even without events (a quiet market). */
const STABLE_CONNECTION_MS = 30_000;

type ConnectionEnd = { ended: true } | { ended: false; reason: string; cause?: unknown };

/** The stream's events, across reconnections, until it ends, gives up or is aborted. */
export function connectEventStream<Event>(
  init: EventStreamInit<Event>,
  options: EventStreamOptions,
  progress: StreamProgress,
): AsyncGenerator<Event, void, undefined> {
  return new Connections(init, options, progress).run();
}

class Connections<Event> {
  constructor(
    private readonly init: EventStreamInit<Event>,
    private readonly options: EventStreamOptions,
    private readonly progress: StreamProgress,
  ) {}

  private get call(): string {
    return `GET ${this.init.path}`;
  }

  async *run(): AsyncGenerator<Event, void, undefined> {
    const { signal } = this.options;
    const maxReconnects = this.options.maxReconnects ?? 5;
    let failures = 0;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const openedAt = Date.now();
      const before = this.progress.lastId;
      const end = yield* this.connect();
      if (end.ended) return;
      const progressed = this.progress.lastId !== before || Date.now() - openedAt >= STABLE_CONNECTION_MS;
      failures = progressed ? 1 : failures + 1;
      if (failures > maxReconnects) {
        throw new EventStreamError(
          `${this.call}: gave up after ${maxReconnects} reconnection attempt(s) without a new event (last: ${end.reason})${
            this.progress.lastId === undefined ? "" : `; resume later after event id ${this.progress.lastId}`
          }`,
          { lastEventId: lastEventIdOf(this.progress), reconnects: this.progress.reconnects, cause: end.cause },
        );
      }
      const delayMs = this.backoff(failures);
      this.progress.reconnects++;
      this.options.onReconnect?.({
        attempt: failures,
        delayMs,
        reason: end.reason,
        resumeAfter: lastEventIdOf(this.progress),
      });
      await sleep(delayMs, signal);
    }
  }

  /** One connection: yields its new events, and says whether the stream is over or must be resumed. */
  private async *connect(): AsyncGenerator<Event, ConnectionEnd, undefined> {
    const { signal } = this.options;
    const connection = new AbortController();
    const onAbort = () => connection.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      let response: Response;
      try {
        response = await this.init.client.runtime.fetch(
          new Request(this.url(), { headers: { accept: "text/event-stream" }, signal: connection.signal }),
        );
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        // Credentials and configuration do not get better by reconnecting.
        if (error instanceof AuthError || error instanceof ConfigError) throw error;
        return { ended: false, reason: describe(error), cause: error };
      }
      if (!response.ok || response.body === null) {
        const error = httpErrorOf(this.call, response, await bodyOf(response));
        if (response.status === 429 || response.status === 408 || response.status >= 500) {
          return { ended: false, reason: `status ${response.status}`, cause: error };
        }
        throw error;
      }
      const type = response.headers.get("content-type");
      if (type !== null && !type.toLowerCase().includes("text/event-stream")) {
        throw new MalformedResponseError(`${this.call}: expected a text/event-stream answer, got ${type}`, {
          method: "GET",
          status: response.status,
        });
      }
      return yield* this.read(response.body, connection);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      connection.abort();
    }
  }

  private async *read(
    body: ReadableStream<Uint8Array>,
    connection: AbortController,
  ): AsyncGenerator<Event, ConnectionEnd, undefined> {
    const { signal } = this.options;
    const idleTimeoutMs = this.options.idleTimeoutMs ?? 120_000;
    const messages: EventSourceMessage[] = [];
    const parser = createParser({
      onEvent: (message) => messages.push(message),
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let idle: ReturnType<typeof setTimeout> | undefined;
    let idleFired = false;
    const armIdle = () => {
      if (idleTimeoutMs === false) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        idleFired = true;
        connection.abort();
      }, idleTimeoutMs);
      idle.unref?.();
    };
    try {
      armIdle();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          const reason = idleFired ? `no data for ${idleTimeoutMs} ms` : `connection lost (${describe(error)})`;
          return { ended: false, reason, cause: error };
        }
        if (chunk.done) {
          return this.init.bounded ? { ended: true } : { ended: false, reason: "the server ended the stream" };
        }
        armIdle();
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        while (messages.length > 0) {
          const event = this.parse(messages.shift() as EventSourceMessage);
          if (event !== undefined) yield event;
        }
      }
    } finally {
      clearTimeout(idle);
      void reader.cancel().catch(() => {});
    }
  }

  /** The frame's event, or undefined when it was already delivered. */
  private parse(message: EventSourceMessage): Event | undefined {
    let event: Event;
    try {
      event = JSON.parse(message.data) as Event;
    } catch (error) {
      throw new MalformedResponseError(
        `${this.call}: an event is not JSON (${message.data.slice(0, 80)}${message.data.length > 80 ? "…" : ""})`,
        { method: "GET", cause: error },
      );
    }
    const id = event !== null && typeof event === "object" ? this.init.cursor.idOf(event) : undefined;
    if (id === undefined) return event;
    if (this.progress.lastId !== undefined && compareIds(id, this.progress.lastId) <= 0) {
      this.progress.skipped++;
      return undefined;
    }
    this.progress.lastId = id;
    return event;
  }

  private url(): string {
    const query =
      this.progress.lastId === undefined
        ? this.init.query
        : this.init.cursor.resumeQuery(this.init.query, this.progress.lastId);
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const text = search.toString();
    return `${this.init.client.runtime.baseUrl.replace(/\/+$/, "")}${this.init.path}${text ? `?${text}` : ""}`;
  }

  private backoff(failures: number): number {
    const base = this.options.reconnectDelayMs ?? 500;
    const ceiling = Math.min(this.options.maxReconnectDelayMs ?? 10_000, base * 2 ** (failures - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

/** Integer ids numerically, ULIDs (Crockford base 32, time first) as text. */
function compareIds(a: EventId, b: EventId): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a).toUpperCase();
  const y = String(b).toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function describe(error: unknown): string {
  if (error instanceof HttpError) return `status ${error.status}`;
  if (error instanceof Error) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

async function bodyOf(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  } catch {
    return undefined;
  }
}
