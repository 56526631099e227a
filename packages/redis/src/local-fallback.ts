/**
 * The opt-in fallback while Redis cannot admit calls (`fallback: { processes: N }`): this process
 * throttles alone, with each bucket's limit divided by N (rounded down), in the in-process scheduler
 * of the middleware. With at most N processes all cut off from Redis, they stay within the limit:
 * - entering, every local bucket first waits two intervals (min(maxTransitMs, windowMs) + windowMs) from the
 *   moment Redis failed, so calls admitted through Redis before can no longer count;
 * - a bucket whose limit is below N cannot be shared this way: its calls keep failing closed.
 * Leaving is handled by the store: it pauses each bucket in Redis until this process's local calls
 * stop counting, then goes back to Redis.
 */
import { type SchedulerBucket, ThrottleScheduler } from "@brokerkit/middleware";
import type { RedisBucket, Waiter } from "./throttle-store.js";

export interface FallbackOptions {
  /** How many processes share the account at most; each gets limit / processes (rounded down). */
  processes: number;
}

export class LocalFallback {
  readonly scheduler: ThrottleScheduler;
  /** Calls waiting in the local scheduler, in arrival order, each with the signal that can take it back. */
  readonly waiting = new Set<{ waiter: Waiter; controller: AbortController }>();
  readonly #processes: number;
  /** Local clock time from which Redis-admitted calls can no longer count. */
  readonly #holdUntil = new Map<RedisBucket, number>();
  readonly #since: number;
  readonly #now: () => number;

  constructor(options: FallbackOptions, now: () => number) {
    this.#processes = options.processes;
    this.#now = now;
    this.#since = now();
    this.scheduler = new ThrottleScheduler(now);
  }

  /** The local buckets for a call, or undefined when one of them cannot be divided among the processes. */
  bucketsFor(buckets: readonly RedisBucket[]): SchedulerBucket[] | undefined {
    const local: SchedulerBucket[] = [];
    for (const bucket of buckets) {
      const limit = Math.floor(bucket.limit / this.#processes);
      if (limit < 1) return undefined;
      let found = this.scheduler.get(bucket.key);
      if (!found) {
        found = this.scheduler.create({ ...bucket, limit });
        // As the cold-start hold: calls admitted through Redis are assumed to arrive within one window.
        this.#holdUntil.set(bucket, this.#since + Math.min(bucket.maxTransitMs, bucket.windowMs) + bucket.windowMs);
      }
      const hold = (this.#holdUntil.get(bucket) ?? 0) - this.#now();
      if (hold > 0) this.scheduler.pauseFor([found], hold);
      local.push(found);
    }
    return local;
  }
}
