/**
 * Append-only event logs behind the Broker API's SSE streams. Each event gets both of Alpaca's ids: a
 * monotonically increasing integer (the legacy `event_id`) and a ULID (`event_ulid`, or `event_id` on v2),
 * so streams can be replayed from either and resumed after a disconnect.
 */

export interface LoggedEvent<T> {
  /** Legacy integer id, increasing by one per event. */
  seq: number;
  ulid: string;
  at: Date;
  accountId: string;
  payload: T;
}

export class EventLog<T> {
  private readonly entries: LoggedEvent<T>[] = [];
  private readonly listeners = new Set<(event: LoggedEvent<T>) => void>();
  private nextSeq: number;

  constructor(
    private readonly nextUlid: (nowMs: number) => string,
    firstSeq = 1,
  ) {
    this.nextSeq = firstSeq;
  }

  append(accountId: string, at: Date, payload: T): LoggedEvent<T> {
    const event: LoggedEvent<T> = { seq: this.nextSeq++, ulid: this.nextUlid(at.getTime()), at, accountId, payload };
    this.entries.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  all(): readonly LoggedEvent<T>[] {
    return this.entries;
  }

  /** Calls `listener` for every event appended from now on; returns the unsubscribe function. */
  subscribe(listener: (event: LoggedEvent<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
