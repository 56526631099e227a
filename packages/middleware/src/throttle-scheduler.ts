/**
 * Admission control over many sliding-window buckets. A call takes every bucket it needs at once, at
 * the instant it is admitted, so no bucket ever records a start that happens later.
 *
 * Fairness: waiters form one queue in arrival order.
 * - A new call is admitted at once only if every bucket it needs has room beyond all the calls
 *   already waiting in that bucket, so it never overtakes a waiter.
 * - Among waiters (each timer wake), the oldest holds a place in every bucket it needs; any other
 *   waiter holds a place only in the buckets that block it. So within a bucket, calls blocked by it
 *   go in FIFO order, while a call stuck on another, slower bucket (say 1 order/s) does not stop
 *   unrelated calls sharing its other buckets. The oldest waiter always keeps its places, so every
 *   waiter starts in bounded time (no starvation).
 *
 * Time: one timer for the whole scheduler, armed for the next instant a bucket with waiters can
 * change (a call leaving its window, a pause ending). Every wake re-checks against the clock, so
 * early or late timers cost nothing but a re-arm.
 */
import { SlidingWindow, type Slot } from "./sliding-window.js";
import type { Admission, BucketInit, ThrottleStore } from "./throttle-store.js";

export type { BucketInit } from "./throttle-store.js";

export interface Bucket {
  readonly key: string;
  /** Printable name for events: identity, rule and captures. Never a secret. */
  readonly label: string;
  readonly identity: string;
  readonly ruleName: string;
  readonly window: SlidingWindow;
  /** Clock time until which the server asked us to stop (429 or exhausted headers). */
  pausedUntil: number;
  /** Weight of the waiters holding a place in this bucket (their number, when each weighs 1). */
  waiting: number;
  /** Per-pass bookkeeping, valid while `passId` equals the scheduler's current pass. */
  passId: number;
  passClaims: number;
  fullInPass: number;
}

/** How a waiting call was admitted: its ticket is one slot per bucket, in the order the buckets were given. */
export type SchedulerAdmission = Admission<Slot[]>;

interface Waiter {
  readonly buckets: readonly Bucket[];
  /** What the call costs in each bucket, in the order of `buckets`. */
  readonly costs: readonly number[];
  readonly blockedBy: Bucket;
  readonly enqueuedAt: number;
  readonly signal: AbortSignal;
  readonly resolve: (admission: SchedulerAdmission) => void;
  readonly reject: (reason: unknown) => void;
  onAbort: () => void;
  queued: boolean;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/**
 * A sweep costs O(buckets). Running it after max(this, buckets left by the last sweep) admissions
 * keeps it O(1) amortised per call: each admission adds at most one bucket.
 */
const MIN_ADMISSIONS_BETWEEN_SWEEPS = 1024;

/** The in-process throttle store: today's default, with no I/O and a synchronous fast path. */
export class ThrottleScheduler implements ThrottleStore<Bucket, Slot[]> {
  readonly #buckets = new Map<string, Bucket>();
  readonly #active = new Set<Bucket>();
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #waiters = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #passSeq = 0;
  #passQueued = false;
  #admissionsSinceSweep = 0;
  #sweepAfter = MIN_ADMISSIONS_BETWEEN_SWEEPS;

  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  get(key: string): Bucket | undefined {
    return this.#buckets.get(key);
  }

  create(init: BucketInit): Bucket {
    const bucket: Bucket = {
      key: init.key,
      label: init.label,
      identity: init.identity,
      ruleName: init.ruleName,
      window: new SlidingWindow(init.limit, init.windowMs, init.maxTransitMs),
      pausedUntil: Number.NEGATIVE_INFINITY,
      waiting: 0,
      passId: 0,
      passClaims: 0,
      fullInPass: 0,
    };
    this.#buckets.set(init.key, bucket);
    return bucket;
  }

  /**
   * Fast path: admits the call now, without a timer or promise, when every bucket has room for one
   * more call beyond the places already held by waiters. Returns its slots, or undefined.
   */
  tryAdmit(buckets: readonly Bucket[], costs?: readonly number[]): Slot[] | undefined {
    const now = this.#now();
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      if (this.#blocks(bucket, now, bucket.waiting, costs?.[i] ?? 1)) return undefined;
    }
    const slots: Slot[] = [];
    for (let i = 0; i < buckets.length; i++) slots.push((buckets[i] as Bucket).window.take(now, costs?.[i] ?? 1));
    if (++this.#admissionsSinceSweep >= this.#sweepAfter) this.#sweep(now);
    return slots;
  }

  /** The call holding `slots` answered or failed: it reached the server by now, if ever. */
  settle(buckets: readonly Bucket[], slots: readonly Slot[]): void {
    const now = this.#now();
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      const end = bucket.window.settle(slots[i] as Slot, now);
      // Its slot frees earlier than planned: a waiter may start then.
      if (bucket.waiting > 0) this.#arm(end, now);
    }
  }

  /** Queues a call that could not be admitted; resolves when it is, rejects with the signal's reason on abort. */
  enqueue(buckets: readonly Bucket[], signal: AbortSignal, costs?: readonly number[]): Promise<SchedulerAdmission> {
    return new Promise<SchedulerAdmission>((resolve, reject) => {
      const now = this.#now();
      const weights = costs ?? buckets.map(() => 1);
      const waiter: Waiter = {
        buckets,
        costs: weights,
        blockedBy: this.#firstBlocking(buckets, now, weights),
        enqueuedAt: now,
        signal,
        resolve,
        reject,
        onAbort: () => this.#abandon(waiter),
        queued: true,
        prev: this.#tail,
        next: undefined,
      };
      if (this.#tail) this.#tail.next = waiter;
      else this.#head = waiter;
      this.#tail = waiter;
      this.#waiters++;
      buckets.forEach((bucket, i) => {
        if (bucket.waiting === 0) this.#active.add(bucket);
        bucket.waiting += weights[i] as number;
        this.#arm(this.#nextChange(bucket, now), now);
      });
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      // Blocked only by places other waiters hold? Those may be blocked elsewhere: let a pass decide now.
      if (buckets.every((bucket, i) => !this.#blocks(bucket, now, 0, weights[i] as number))) this.#queuePass();
    });
  }

  /** Stops admissions through `bucket` until clock time `until`. */
  pause(bucket: Bucket, until: number): void {
    let live = this.#buckets.get(bucket.key);
    // The bucket may have been swept while its call was in flight: put it back so the pause holds.
    if (!live) {
      live = bucket;
      this.#buckets.set(bucket.key, bucket);
    }
    live.pausedUntil = Math.max(live.pausedUntil, until);
  }

  /** Stops admissions through `buckets` for `durationMs` from now. */
  pauseFor(buckets: readonly Bucket[], durationMs: number): void {
    const until = this.#now() + durationMs;
    for (const bucket of buckets) this.pause(bucket, until);
  }

  /** Every known bucket, e.g. to pause all of one identity. */
  all(): IterableIterator<Bucket> {
    return this.#buckets.values();
  }

  stats(): { buckets: number; waiting: number } {
    return { buckets: this.#buckets.size, waiting: this.#waiters };
  }

  #firstBlocking(buckets: readonly Bucket[], now: number, costs: readonly number[]): Bucket {
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      if (this.#blocks(bucket, now, bucket.waiting, costs[i] as number)) return bucket;
    }
    return buckets[0] as Bucket;
  }

  /** The next instant at which `bucket` may gain room. */
  #nextChange(bucket: Bucket, now: number): number {
    return bucket.pausedUntil > now ? bucket.pausedUntil : bucket.window.nextExpiry(now);
  }

  #arm(at: number, now: number): void {
    if (at >= this.#timerDue) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerDue = at;
    // Node timers have millisecond resolution and may fire up to ~1 ms early; the pass re-checks.
    this.#timer = setTimeout(this.#onTimer, Math.max(0, Math.ceil(at - now)));
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    this.#pass();
  };

  /** Admits, in arrival order, every waiter that fits now; then arms the timer for the next change. */
  #pass(): void {
    const now = this.#now();
    const pass = ++this.#passSeq;
    let fullBuckets = 0;
    let oldest = true;
    // Once every bucket with waiters is full, no later waiter can fit: stop early.
    for (let waiter = this.#head; waiter && fullBuckets < this.#active.size; ) {
      const following = waiter.next;
      let fits = true;
      for (let i = 0; i < waiter.buckets.length; i++) {
        const bucket = waiter.buckets[i] as Bucket;
        if (bucket.passId !== pass) {
          bucket.passId = pass;
          bucket.passClaims = 0;
        }
        if (this.#blocks(bucket, now, bucket.passClaims, waiter.costs[i] as number)) {
          fits = false;
          if (bucket.fullInPass !== pass) {
            bucket.fullInPass = pass;
            fullBuckets++;
          }
        }
      }
      if (fits) {
        this.#admit(waiter, now);
      } else {
        const { buckets, costs } = waiter;
        for (let i = 0; i < buckets.length; i++) {
          const bucket = buckets[i] as Bucket;
          if (oldest || bucket.fullInPass === pass) bucket.passClaims += costs[i] as number;
        }
        oldest = false;
      }
      waiter = following;
    }
    this.#schedule(now);
  }

  #blocks(bucket: Bucket, now: number, reserved: number, cost: number): boolean {
    return bucket.pausedUntil > now || !bucket.window.hasRoom(now, reserved, cost);
  }

  #admit(waiter: Waiter, now: number): void {
    this.#unlink(waiter);
    const slots = waiter.buckets.map((bucket, i) => bucket.window.take(now, waiter.costs[i] as number));
    waiter.signal.removeEventListener("abort", waiter.onAbort);
    waiter.resolve({ ticket: slots, bucket: waiter.blockedBy.label, waitMs: now - waiter.enqueuedAt });
  }

  /** An aborted waiter leaves at once without taking a slot; the places it held may let others in. */
  #abandon(waiter: Waiter): void {
    if (!waiter.queued) return;
    this.#unlink(waiter);
    waiter.reject(waiter.signal.reason);
    this.#queuePass();
  }

  /** One pass soon, shared by everything that asks for it in the same tick. */
  #queuePass(): void {
    if (this.#passQueued) return;
    this.#passQueued = true;
    queueMicrotask(() => {
      this.#passQueued = false;
      this.#pass();
    });
  }

  #unlink(waiter: Waiter): void {
    waiter.queued = false;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.#head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.#tail = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.#waiters--;
    waiter.buckets.forEach((bucket, i) => {
      bucket.waiting -= waiter.costs[i] as number;
      if (bucket.waiting === 0) this.#active.delete(bucket);
    });
  }

  #schedule(now: number): void {
    let due = Number.POSITIVE_INFINITY;
    for (const bucket of this.#active) {
      const at = this.#nextChange(bucket, now);
      if (at < due) due = at;
    }
    if (due === Number.POSITIVE_INFINITY) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerDue = Number.POSITIVE_INFINITY;
      return;
    }
    this.#arm(due, now);
  }

  /** Forgets buckets that hold nothing: no waiter, no pause, no start inside their window. */
  #sweep(now: number): void {
    this.#admissionsSinceSweep = 0;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.waiting === 0 && bucket.pausedUntil <= now && bucket.window.isIdle(now)) this.#buckets.delete(key);
    }
    this.#sweepAfter = Math.max(MIN_ADMISSIONS_BETWEEN_SWEEPS, this.#buckets.size);
  }
}
