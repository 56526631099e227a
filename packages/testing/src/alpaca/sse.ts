/**
 * Streams an event log as Server-Sent Events the way Alpaca's Broker API does: `data:` frames of JSON,
 * history replayed from a `since` bound (date, integer id or ULID) then live events pushed, the stream
 * ended with 200 once an `until` bound is passed, and `:` comment lines as heartbeats. A test can make a
 * stream drop mid-way (socket destroyed after n events) to exercise resume.
 */
import type { ServerResponse } from "node:http";
import type { EventLog, LoggedEvent } from "./events.js";

export interface StreamBounds {
  /** Start of the `since` day (UTC). */
  sinceTime?: number;
  /** End of the `until` day (UTC), exclusive. */
  untilTime?: number;
  sinceSeq?: number;
  untilSeq?: number;
  sinceUlid?: string;
  untilUlid?: string;
  /** Only this account's events. */
  accountId?: string;
}

export interface StreamOptions<T> {
  log: EventLog<T>;
  bounds: StreamBounds;
  /** The JSON of one event as this endpoint shows it. */
  render: (event: LoggedEvent<T>) => unknown;
  /** Value of an `id:` line, or undefined to send none (Alpaca puts ids in the JSON only). */
  idLine?: (event: LoggedEvent<T>) => string | undefined;
  /** Whether `since_id`/`since_ulid` include the event with that id (default: strictly after it). */
  sinceInclusive: boolean;
  heartbeatMs: number;
  /** Destroy the socket right after this many events (a forced disconnect). */
  disconnectAfter?: number;
  onForcedDisconnect?: () => void;
  headers: Record<string, string>;
}

export function streamEvents<T>(res: ServerResponse, options: StreamOptions<T>): void {
  const { bounds, log } = options;
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...options.headers,
  });
  res.flushHeaders();

  let sent = 0;
  let finished = false;
  let unsubscribe = () => {};
  const heartbeat = setInterval(() => {
    if (!finished) res.write(": heartbeat\n\n");
  }, options.heartbeatMs);
  const finish = () => {
    finished = true;
    clearInterval(heartbeat);
    unsubscribe();
  };
  res.on("close", finish);
  if (options.disconnectAfter === 0) {
    finish();
    options.onForcedDisconnect?.();
    const socket = res.socket;
    res.write(": connected\n\n", () => socket?.destroy());
    return;
  }

  const afterStart = (event: LoggedEvent<T>): boolean => {
    if (bounds.sinceTime !== undefined) return event.at.getTime() >= bounds.sinceTime;
    if (bounds.sinceSeq !== undefined) {
      return options.sinceInclusive ? event.seq >= bounds.sinceSeq : event.seq > bounds.sinceSeq;
    }
    if (bounds.sinceUlid !== undefined) {
      return options.sinceInclusive ? event.ulid >= bounds.sinceUlid : event.ulid > bounds.sinceUlid;
    }
    return true;
  };
  const pastEnd = (event: LoggedEvent<T>): boolean =>
    (bounds.untilTime !== undefined && event.at.getTime() >= bounds.untilTime) ||
    (bounds.untilSeq !== undefined && event.seq > bounds.untilSeq) ||
    (bounds.untilUlid !== undefined && event.ulid > bounds.untilUlid);
  const atEnd = (event: LoggedEvent<T>): boolean =>
    (bounds.untilSeq !== undefined && event.seq >= bounds.untilSeq) ||
    (bounds.untilUlid !== undefined && event.ulid >= bounds.untilUlid);

  /** Sends one event; false once the stream is over. */
  const deliver = (event: LoggedEvent<T>): boolean => {
    if (finished) return false;
    if (bounds.accountId !== undefined && event.accountId !== bounds.accountId) return true;
    if (pastEnd(event)) {
      finish();
      res.end();
      return false;
    }
    const id = options.idLine?.(event);
    const frame = `${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(options.render(event))}\n\n`;
    sent++;
    if (options.disconnectAfter !== undefined && sent >= options.disconnectAfter) {
      finish();
      options.onForcedDisconnect?.();
      // Cut the connection once this frame has reached the socket, without ending the chunked body.
      const socket = res.socket;
      res.write(frame, () => socket?.destroy());
      return false;
    }
    res.write(frame);
    if (atEnd(event)) {
      finish();
      res.end();
      return false;
    }
    return true;
  };

  const replay = bounds.sinceTime !== undefined || bounds.sinceSeq !== undefined || bounds.sinceUlid !== undefined;
  if (replay) {
    for (const event of log.all()) {
      if (!afterStart(event)) continue;
      if (!deliver(event)) return;
    }
  }
  if (bounds.untilTime !== undefined && Date.now() >= bounds.untilTime) {
    finish();
    res.end();
    return;
  }
  // Replay and subscription happen in the same tick, so no event falls between them.
  unsubscribe = log.subscribe((event) => {
    deliver(event);
  });
}
