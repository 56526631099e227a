/**
 * The sliding window of one rate-limit bucket, as the server sees it.
 *
 * A server counts a call at its arrival, which the client never observes. What the client knows is
 * a bound: the call arrived after it started and before its response headers came back (or it
 * failed). So each call occupies the window from its start until `windowMs` after that bound: after
 * it settles, or after `start + maxTransitMs` while it is still in flight (the assumption that a
 * request reaches the server within `maxTransitMs`). A new call may start when fewer than `limit`
 * calls occupy the window. When responses are quick this is the exact schedule (a call starts as
 * soon as fewer than `limit` calls started in the preceding interval) shifted by the response time,
 * and it holds at the server even when the first calls of a burst spend 100 ms opening connections.
 *
 * Occupancies live in a min-heap keyed by their end, at most `limit` of them (each weighs at least 1),
 * so memory is bounded and every operation is O(log limit). `limit` counts weight: a call of weight w
 * takes w of it (all calls weigh 1 in a bucket that counts calls).
 */
export interface Slot {
  /** Clock time at which this call stops counting. Only ever lowered (when the call settles). */
  end: number;
  /** What the call counts for: 1, or its operation's weight in a weighted bucket. */
  weight: number;
  /** Position in the heap; -1 once the slot has left the window. */
  index: number;
}

export class SlidingWindow {
  readonly #heap: Slot[] = [];
  /** Sum of the weights of the slots in the heap. */
  #used = 0;

  constructor(
    readonly limit: number,
    /** Interval plus safety margin. */
    readonly windowMs: number,
    /** How long after its start an unanswered call is assumed to have arrived. */
    readonly maxTransitMs: number,
  ) {}

  /** True when one more call of `weight` may start at `now` while `reserved` weight ahead of it keeps its place. */
  hasRoom(now: number, reserved: number, weight = 1): boolean {
    this.#prune(now);
    return this.#used + reserved + weight <= this.limit;
  }

  /** Records a call starting at `now`; settle the returned slot when the call answers or fails. */
  take(now: number, weight = 1): Slot {
    const slot: Slot = { end: now + this.maxTransitMs + this.windowMs, weight, index: this.#heap.length };
    this.#used += weight;
    this.#heap.push(slot);
    this.#siftUp(slot.index);
    return slot;
  }

  /** The call settled at `now`, so it reached the server by then: it counts until `now + windowMs` at most. */
  settle(slot: Slot, now: number): number {
    const end = now + this.windowMs;
    if (slot.index < 0 || end >= slot.end) return slot.end;
    slot.end = end;
    this.#siftUp(slot.index);
    return end;
  }

  /** The earliest time after `now` at which a call leaves the window; Infinity if none occupies it. */
  nextExpiry(now: number): number {
    this.#prune(now);
    return this.#heap[0]?.end ?? Number.POSITIVE_INFINITY;
  }

  /** True when no call occupies the window any more. */
  isIdle(now: number): boolean {
    this.#prune(now);
    return this.#heap.length === 0;
  }

  /** Weight occupying the window at `now` (calls, in a bucket that counts calls). */
  count(now: number): number {
    this.#prune(now);
    return this.#used;
  }

  #prune(now: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as Slot).end <= now) {
      const gone = heap[0] as Slot;
      gone.index = -1;
      this.#used -= gone.weight;
      const last = heap.pop() as Slot;
      if (last !== gone) {
        heap[0] = last;
        last.index = 0;
        this.#siftDown(0);
      }
    }
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const slot = heap[index] as Slot;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Slot;
      if (parent.end <= slot.end) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = slot;
    slot.index = index;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const slot = heap[index] as Slot;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && (heap[right] as Slot).end < (heap[left] as Slot).end ? right : left;
      const smaller = heap[child] as Slot;
      if (smaller.end >= slot.end) break;
      heap[index] = smaller;
      smaller.index = index;
      index = child;
    }
    heap[index] = slot;
    slot.index = index;
  }
}
