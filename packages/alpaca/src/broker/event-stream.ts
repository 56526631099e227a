/**
 * Hand-written (not generated). A Server-Sent Events stream of the Broker API as an async iterator of typed
 * events that survives disconnects. Frames are parsed by eventsource-parser; each `data:` frame is one JSON
 * event. The request goes through the client's own stack (`client.runtime.fetch`), so auth, throttle, retry
 * of the connect and the timeout (which spares streaming operations once the headers arrived) all apply.
 *
 * After a dropped connection, a server error or an idle connection (no bytes, not even a heartbeat, for
 * `idleTimeoutMs`), it reconnects with exponential backoff and resumes after the last event seen, through the
 * stream's `resumeQuery`. Events whose id is not after the last one seen are skipped, so a server that
 * replays the resume point (inclusive since_id) or a whole day (date-bounded resume) never yields an event
 * twice; this relies on Alpaca's ids increasing (integer event_id, time-ordered ULIDs). It gives up with
 * EventStreamError after `maxReconnects` consecutive attempts without a new event. The caller's AbortSignal
 * ends it (rejecting with the signal's reason); `break` in a for-await loop closes the connection.
 *
 * This module is the stream's face (options, checks, counters); the connections, the parsing and the
 * backoff are in event-stream-connection.ts, imported with eventsource-parser by the first `next()`, so a
 * client that never opens an event stream never loads them.
 */
import { BrokerkitError, ConfigError } from "@brokerkit/middleware";

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

/** What the connection loop records as it goes; the stream's getters read it. */
export interface StreamProgress {
  lastId: EventId | undefined;
  reconnects: number;
  skipped: number;
}

/** The last event id as text, as `lastEventId` and EventStreamError report it. */
export function lastEventIdOf(progress: StreamProgress): string | undefined {
  return progress.lastId === undefined ? undefined : String(progress.lastId);
}

export class EventStream<Event> implements AsyncIterableIterator<Event> {
  private readonly iterator: AsyncGenerator<Event, void, undefined>;
  private readonly progress: StreamProgress = { lastId: undefined, reconnects: 0, skipped: 0 };

  constructor(
    private readonly init: EventStreamInit<Event>,
    private readonly options: EventStreamOptions = {},
  ) {
    const { maxReconnects = 5, reconnectDelayMs = 500, maxReconnectDelayMs = 10_000, idleTimeoutMs } = options;
    if (!Number.isInteger(maxReconnects) || maxReconnects < 0) {
      throw new ConfigError(`GET ${init.path}: maxReconnects must be an integer ≥ 0, got ${maxReconnects}`);
    }
    if (!(reconnectDelayMs >= 0) || !(maxReconnectDelayMs >= 0)) {
      throw new ConfigError(`GET ${init.path}: reconnect delays must be ≥ 0 ms`);
    }
    if (idleTimeoutMs !== undefined && idleTimeoutMs !== false && !(idleTimeoutMs > 0)) {
      throw new ConfigError(`GET ${init.path}: idleTimeoutMs must be > 0 or false, got ${idleTimeoutMs}`);
    }
    this.iterator = this.run();
  }

  /** Id of the last event yielded; a new stream resumes after it with since_id / since_ulid. */
  get lastEventId(): string | undefined {
    return lastEventIdOf(this.progress);
  }

  /** Reconnections made so far. */
  get reconnects(): number {
    return this.progress.reconnects;
  }

  /** Events skipped because they were not after the last one seen (replayed by the server on resume). */
  get duplicatesSkipped(): number {
    return this.progress.skipped;
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

  private async *run(): AsyncGenerator<Event, void, undefined> {
    // Before any request: a loop that cannot load leaves no connection open.
    const { connectEventStream } = await import("./event-stream-connection.js");
    yield* connectEventStream(this.init, this.options, this.progress);
  }
}
