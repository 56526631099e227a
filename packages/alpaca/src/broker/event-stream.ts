/**
 * Hand-written (not generated). A Server-Sent Events stream of the Broker API as an async iterator of typed
 * events that survives disconnects. Frames are parsed by eventsource-parser, imported by the first connection
 * (only clients that open an event stream need it); each `data:` frame is one JSON event. The request goes
 * through the client's own stack (`client.runtime.fetch`), so auth, throttle, retry of the connect and the
 * timeout (which spares streaming operations once the headers arrived) all apply.
 *
 * After a dropped connection, a server error or an idle connection (no bytes, not even a heartbeat, for
 * `idleTimeoutMs`), it reconnects with exponential backoff and resumes after the last event seen, through the
 * stream's `resumeQuery`. Events whose id is not after the last one seen are skipped, so a server that
 * replays the resume point (inclusive since_id) or a whole day (date-bounded resume) never yields an event
 * twice; this relies on Alpaca's ids increasing (integer event_id, time-ordered ULIDs). It gives up with
 * EventStreamError after `maxReconnects` consecutive attempts without a new event. The caller's AbortSignal
 * ends it (rejecting with the signal's reason); `break` in a for-await loop closes the connection.
 */
import {
  AuthError,
  BrokerkitError,
  ConfigError,
  HttpError,
  MalformedResponseError,
  sleep,
} from "@brokerkit/middleware";
import type { EventSourceMessage } from "eventsource-parser";
import { httpErrorOf } from "../shared/http-error.js";

export type EventId = string | number;
export type StreamQuery = Record<string, string | number | undefined>;

/** How one stream identifies its events and resumes after one of them. */
export interface StreamCursor<Event> {
  /** The event's id for dedupe and resume, or undefined when it carries none. */
  idOf(event: Event): EventId | undefined;
  /** The query of a reconnection after event `lastId`. */
  resumeQuery(query: StreamQuery, lastId: EventId): StreamQuery;
}

export interface EventStreamOptions {
  signal?: AbortSignal;
  /** Consecutive reconnection attempts without a new event before giving up. Default 5. */
  maxReconnects?: number;
  /** Backoff before the first reconnection; doubles per failed attempt, with jitter. Default 500 ms. */
  reconnectDelayMs?: number;
  /** Ceiling of the backoff. Default 10 000 ms. */
  maxReconnectDelayMs?: number;
  /** Reconnect when nothing (no event, no heartbeat) arrived for this long; `false` never. Default 120 000 ms. */
  idleTimeoutMs?: number | false;
  /** Told about every reconnection, before its backoff. */
  onReconnect?: (info: ReconnectInfo) => void;
}

export interface ReconnectInfo {
  /** 1 for the first reconnection after progress, 2 for the next failed one, … */
  attempt: number;
  delayMs: number;
  reason: string;
  /** The id the next connection resumes after (undefined before any event: the original query is sent again). */
  resumeAfter: string | undefined;
}

/** The stream could not be resumed within `maxReconnects` attempts. */
export class EventStreamError extends BrokerkitError {
  readonly lastEventId: string | undefined;
  readonly reconnects: number;
  constructor(message: string, details: { lastEventId: string | undefined; reconnects: number; cause?: unknown }) {
    super(message, details.cause === undefined ? {} : { cause: details.cause });
    this.lastEventId = details.lastEventId;
    this.reconnects = details.reconnects;
  }
}

/** What the stream needs of a generated client. */
export interface StreamingClient {
  runtime: { baseUrl: string; fetch: (input: Request) => Promise<Response> };
}

export interface EventStreamInit<Event> {
  client: StreamingClient;
  /** Route path, e.g. `/v2/events/trades`. */
  path: string;
  query: StreamQuery;
  cursor: StreamCursor<Event>;
  /** Whether a clean end of the body means the `until` bound was reached (else it is treated as a drop). */
  bounded: boolean;
}

/** eventsource-parser, once the first stream connected. */
let eventsource: typeof import("eventsource-parser") | undefined;

/** A connection that stayed up this long counts as progress, even without events (a quiet market). */
const STABLE_CONNECTION_MS = 30_000;

type ConnectionEnd = { ended: true } | { ended: false; reason: string; cause?: unknown };

export class EventStream<Event> implements AsyncIterableIterator<Event> {
  private readonly iterator: AsyncGenerator<Event, void, undefined>;
  private lastId: EventId | undefined;
  private reconnectCount = 0;
  private skipped = 0;

  constructor(
    private readonly init: EventStreamInit<Event>,
    private readonly options: EventStreamOptions = {},
  ) {
    const { maxReconnects = 5, reconnectDelayMs = 500, maxReconnectDelayMs = 10_000, idleTimeoutMs } = options;
    if (!Number.isInteger(maxReconnects) || maxReconnects < 0) {
      throw new ConfigError(`${this.call}: maxReconnects must be an integer ≥ 0, got ${maxReconnects}`);
    }
    if (!(reconnectDelayMs >= 0) || !(maxReconnectDelayMs >= 0)) {
      throw new ConfigError(`${this.call}: reconnect delays must be ≥ 0 ms`);
    }
    if (idleTimeoutMs !== undefined && idleTimeoutMs !== false && !(idleTimeoutMs > 0)) {
      throw new ConfigError(`${this.call}: idleTimeoutMs must be > 0 or false, got ${idleTimeoutMs}`);
    }
    this.iterator = this.run();
  }

  /** Id of the last event yielded; a new stream resumes after it with since_id / since_ulid. */
  get lastEventId(): string | undefined {
    return this.lastId === undefined ? undefined : String(this.lastId);
  }

  /** Reconnections made so far. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  /** Events skipped because they were not after the last one seen (replayed by the server on resume). */
  get duplicatesSkipped(): number {
    return this.skipped;
  }

  next(): Promise<IteratorResult<Event, void>> {
    return this.iterator.next();
  }

  return(): Promise<IteratorResult<Event, void>> {
    return this.iterator.return(undefined);
  }

  throw(error?: unknown): Promise<IteratorResult<Event, void>> {
    return this.iterator.throw(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private get call(): string {
    return `GET ${this.init.path}`;
  }

  private async *run(): AsyncGenerator<Event, void, undefined> {
    const { signal } = this.options;
    const maxReconnects = this.options.maxReconnects ?? 5;
    let failures = 0;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const openedAt = Date.now();
      const before = this.lastId;
      const end = yield* this.connect();
      if (end.ended) return;
      const progressed = this.lastId !== before || Date.now() - openedAt >= STABLE_CONNECTION_MS;
      failures = progressed ? 1 : failures + 1;
      if (failures > maxReconnects) {
        throw new EventStreamError(
          `${this.call}: gave up after ${maxReconnects} reconnection attempt(s) without a new event (last: ${end.reason})${
            this.lastId === undefined ? "" : `; resume later after event id ${this.lastId}`
          }`,
          { lastEventId: this.lastEventId, reconnects: this.reconnectCount, cause: end.cause },
        );
      }
      const delayMs = this.backoff(failures);
      this.reconnectCount++;
      this.options.onReconnect?.({ attempt: failures, delayMs, reason: end.reason, resumeAfter: this.lastEventId });
      await sleep(delayMs, signal);
    }
  }

  /** One connection: yields its new events, and says whether the stream is over or must be resumed. */
  private async *connect(): AsyncGenerator<Event, ConnectionEnd, undefined> {
    const { signal } = this.options;
    // Before the request: a parser that cannot load leaves no connection open.
    eventsource ??= await import("eventsource-parser");
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
    const parser = (eventsource as typeof import("eventsource-parser")).createParser({
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
    if (this.lastId !== undefined && compareIds(id, this.lastId) <= 0) {
      this.skipped++;
      return undefined;
    }
    this.lastId = id;
    return event;
  }

  private url(): string {
    const query =
      this.lastId === undefined ? this.init.query : this.init.cursor.resumeQuery(this.init.query, this.lastId);
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
