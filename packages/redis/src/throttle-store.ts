/**
 * The throttle's buckets in Redis, shared by every process that uses the same Redis and key prefix.
 *
 * Admission is one Lua script (scripts.ts ACQUIRE) that takes a place in all of a call's buckets at
 * once, on Redis's clock, so across N processes no bucket ever holds more than `limit` calls.
 * Each process queues its own waiters in arrival order and asks Redis for the oldest first; a waiter
 * that does not fit learns from the script how long at least the bucket stays full, and nothing in
 * this process asks about that bucket again before then: no busy polling, one Redis call per
 * admission attempt. When Redis cannot answer within the command deadline, the waiting calls fail
 * with RedisStoreError (fail closed: no call goes out unchecked), unless a local fallback is
 * configured (local-fallback.ts): then this process throttles alone at its share until Redis is back.
 */
import { randomBytes } from "node:crypto";
import type {
  Admission,
  BucketInit,
  SchedulerBucket,
  ThrottleBucket,
  ThrottleStore,
  ThrottleStoreStats,
} from "@brokerkit/middleware";
import type { Connection } from "./connection.js";
import { RedisStoreError } from "./errors.js";
import { type BucketKeys, bucketKeys } from "./keys.js";
import { type FallbackOptions, LocalFallback } from "./local-fallback.js";
import { ACQUIRE, PAUSE, RELEASE, SETTLE } from "./scripts.js";

export interface RedisBucket extends ThrottleBucket {
  readonly keys: BucketKeys;
  readonly limit: number;
  readonly windowMs: number;
  readonly maxTransitMs: number;
  /** The limit counts weight: members are `id|cost`. */
  readonly weighted: boolean;
  /** Waiting or in-flight calls of this process (a bucket in use is never swept). */
  users: number;
  /** Local clock time before which Redis said this bucket has no room: do not ask again sooner. */
  fullUntil: number;
  /** Local clock time until which calls this process admitted in fallback mode may count. */
  localBusyUntil: number;
}

/** An admitted call: its id in every bucket's sorted set, or its slots in the local fallback. */
export interface RedisTicket {
  readonly id: string;
  /** What the call costs in each bucket, when any cost is not 1. */
  readonly costs?: readonly number[];
  readonly local?: { store: ThrottleStore<SchedulerBucket>; buckets: readonly SchedulerBucket[]; slots: unknown };
}

/** Which way calls are admitted now. */
export type ThrottleMode = "redis" | "local";

export interface Waiter {
  readonly buckets: readonly RedisBucket[];
  readonly costs: readonly number[] | undefined;
  readonly signal: AbortSignal;
  readonly enqueuedAt: number;
  readonly resolve: (admission: Admission<RedisTicket>) => void;
  readonly reject: (reason: unknown) => void;
  readonly onAbort: () => void;
  queued: boolean;
  /** Label of the first bucket that made it wait. */
  blockedBy: string | undefined;
}

export interface RedisThrottleStoreOptions {
  connection: Connection;
  /** Key prefix, e.g. `brokerkit:`. */
  prefix: string;
  /** Local monotonic clock for timers. Default `performance.now()`. */
  now?: () => number;
  /**
   * When Redis has no record of a bucket (first use, or data lost in a restart), pause it for one full
   * occupancy before admitting: calls admitted before a data loss may still count at the broker.
   * Default true. False only when no process can have used the bucket within that time.
   */
  holdOnColdStart?: boolean;
  /** Throttle alone at a share of each limit while Redis fails, instead of failing calls. Default: fail. */
  fallback?: FallbackOptions;
  /** How often to check whether Redis is back while in fallback mode. Default 500 ms. */
  probeIntervalMs?: number;
  /** Told when admissions move to the local fallback and back to Redis. */
  onModeChange?: (mode: ThrottleMode, cause?: unknown) => void;
}

/** Abort reason that moves a locally waiting call back to the Redis queue. */
const BACK_TO_REDIS: unknown = Symbol("back to Redis");

/** Forget idle bucket descriptors once this many are known (they hold no state in this process). */
const MIN_BUCKETS_BEFORE_SWEEP = 1024;

export class RedisThrottleStore implements ThrottleStore<RedisBucket, RedisTicket> {
  readonly #connection: Connection;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #holdOnColdStart: boolean;
  readonly #fallback: FallbackOptions | undefined;
  readonly #probeIntervalMs: number;
  readonly #onModeChange: ((mode: ThrottleMode, cause?: unknown) => void) | undefined;
  #local: LocalFallback | undefined;
  #probe: ReturnType<typeof setInterval> | undefined;
  readonly #buckets = new Map<string, RedisBucket>();
  /** Waiters in arrival order (a Set iterates in insertion order and tolerates deletes while iterating). */
  readonly #queue = new Set<Waiter>();
  readonly #idPrefix = randomBytes(6).toString("base64url");
  #nextId = 0;
  #passing = false;
  #passAgain = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #sweepAt = MIN_BUCKETS_BEFORE_SWEEP;

  constructor(options: RedisThrottleStoreOptions) {
    this.#connection = options.connection;
    this.#prefix = options.prefix;
    this.#now = options.now ?? (() => performance.now());
    this.#holdOnColdStart = options.holdOnColdStart ?? true;
    this.#fallback = options.fallback;
    this.#probeIntervalMs = options.probeIntervalMs ?? 500;
    this.#onModeChange = options.onModeChange;
  }

  /** `redis` normally; `local` while the fallback admits calls. */
  get mode(): ThrottleMode {
    return this.#local ? "local" : "redis";
  }

  get(key: string): RedisBucket | undefined {
    return this.#buckets.get(key);
  }

  create(init: BucketInit): RedisBucket {
    if (this.#buckets.size >= this.#sweepAt) this.#sweep();
    const bucket: RedisBucket = {
      key: init.key,
      label: init.label,
      identity: init.identity,
      ruleName: init.ruleName,
      keys: bucketKeys(this.#prefix, init.key),
      limit: init.limit,
      windowMs: init.windowMs,
      maxTransitMs: init.maxTransitMs,
      weighted: init.weighted === true,
      users: 0,
      fullUntil: Number.NEGATIVE_INFINITY,
      localBusyUntil: Number.NEGATIVE_INFINITY,
    };
    this.#buckets.set(init.key, bucket);
    return bucket;
  }

  /** Redis is never asked synchronously: every call goes through `enqueue`. */
  tryAdmit(): undefined {
    return undefined;
  }

  enqueue(
    buckets: readonly RedisBucket[],
    signal: AbortSignal,
    costs?: readonly number[],
  ): Promise<Admission<RedisTicket>> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Admission<RedisTicket>>((resolve, reject) => {
      const waiter: Waiter = {
        buckets,
        costs,
        signal,
        enqueuedAt: this.#now(),
        resolve,
        reject,
        onAbort: () => this.#abandon(waiter),
        queued: true,
        blockedBy: undefined,
      };
      for (const bucket of buckets) bucket.users++;
      this.#queue.add(waiter);
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      if (this.#local) {
        this.#admitLocally(waiter, this.#local);
        return;
      }
      // A bucket known to be full: the timer's pass takes this waiter in its turn (arm it, in case no
      // waiter holds it any more).
      const now = this.#now();
      if (!buckets.some((bucket) => bucket.fullUntil > now)) void this.#pass();
      else if (!this.#passing) this.#arm();
    });
  }

  settle(buckets: readonly RedisBucket[], ticket: RedisTicket): void {
    for (const bucket of buckets) bucket.users--;
    if (ticket.local) {
      ticket.local.store.settle(ticket.local.buckets, ticket.local.slots);
      return;
    }
    const keys = buckets.map((bucket) => bucket.keys.slots);
    const args = buckets.flatMap((bucket, i) => [memberOf(bucket, ticket.id, ticket.costs?.[i]), bucket.windowMs]);
    // If Redis cannot be told, the call keeps its in-flight bound (admission + maxTransit + window): safe.
    this.#connection.script(SETTLE, keys, args).catch(() => {});
  }

  /** Resolves once the pause is in Redis, or once that failed: the others then learn from their own 429. */
  pauseFor(buckets: readonly RedisBucket[], durationMs: number): Promise<void> {
    const ms = Math.ceil(durationMs);
    if (!(ms > 0)) return Promise.resolve();
    const until = this.#now() + ms;
    for (const bucket of buckets) bucket.fullUntil = Math.max(bucket.fullUntil, until);
    const keys = buckets.map((bucket) => bucket.keys.pause);
    return this.#connection.script(PAUSE, keys, [ms]).then(
      () => {},
      () => {},
    );
  }

  all(): IterableIterator<RedisBucket> {
    return this.#buckets.values();
  }

  stats(): ThrottleStoreStats {
    return { buckets: this.#buckets.size, waiting: this.#queue.size };
  }

  /** Rejects every waiting call, in Redis's queue or the local fallback's (e.g. when the store is closed). */
  rejectAll(reason: unknown): void {
    for (const entry of [...(this.#local?.waiting ?? [])]) entry.controller.abort(reason);
    this.#failAll(reason);
  }

  /** Admits, oldest first, every waiter whose buckets have room; then sleeps until the earliest bucket may. */
  async #pass(): Promise<void> {
    if (this.#passing) {
      this.#passAgain = true;
      return;
    }
    this.#passing = true;
    try {
      do {
        this.#passAgain = false;
        for (const waiter of this.#queue) {
          const now = this.#now();
          const full = waiter.buckets.find((bucket) => bucket.fullUntil > now);
          if (full) {
            waiter.blockedBy ??= full.label;
            continue;
          }
          const id = `${this.#idPrefix}.${(this.#nextId++).toString(36)}`;
          let answer: { admitted: true } | { admitted: false; waitMs: number; bucket: RedisBucket };
          try {
            answer = await this.#acquire(waiter.buckets, id, waiter.costs);
          } catch (error) {
            if (this.#fallback) this.#degrade(this.#fallback, error);
            else this.#failAll(error);
            return;
          }
          if (!waiter.queued) {
            // Aborted while Redis was deciding: give back the places it may have taken.
            if (answer.admitted) this.#release(waiter.buckets, id, waiter.costs);
            continue;
          }
          if (answer.admitted) {
            this.#leave(waiter);
            const blocked = waiter.blockedBy;
            waiter.resolve({
              ticket: waiter.costs ? { id, costs: waiter.costs } : { id },
              bucket: blocked ?? (waiter.buckets[0] as RedisBucket).label,
              waitMs: this.#now() - waiter.enqueuedAt,
              waited: blocked !== undefined,
            });
            // Back to in-flight only: keep the bucket counted as used until settle.
            for (const bucket of waiter.buckets) bucket.users++;
          } else {
            answer.bucket.fullUntil = this.#now() + answer.waitMs;
            waiter.blockedBy ??= answer.bucket.label;
          }
        }
      } while (this.#passAgain);
    } finally {
      this.#passing = false;
      this.#arm();
    }
  }

  async #acquire(
    buckets: readonly RedisBucket[],
    id: string,
    costs: readonly number[] | undefined,
  ): Promise<{ admitted: true } | { admitted: false; waitMs: number; bucket: RedisBucket }> {
    const keys: string[] = [];
    const args: (string | number)[] = [id, this.#holdOnColdStart ? 1 : 0];
    buckets.forEach((bucket, i) => {
      keys.push(bucket.keys.slots, bucket.keys.pause, bucket.keys.epoch);
      args.push(bucket.limit, bucket.windowMs, bucket.maxTransitMs, costs?.[i] ?? 1, bucket.weighted ? 1 : 0);
    });
    const reply = await this.#connection.run("throttle admission", () => this.#connection.script(ACQUIRE, keys, args));
    if (Array.isArray(reply) && reply[0] === 1) return { admitted: true };
    const waitMs = Array.isArray(reply) ? reply[1] : undefined;
    const bucket = Array.isArray(reply) && typeof reply[2] === "number" ? buckets[reply[2] - 1] : undefined;
    if (!Array.isArray(reply) || reply[0] !== 0 || typeof waitMs !== "number" || !bucket) {
      throw new RedisStoreError(
        "throttle admission",
        this.#connection.target,
        new Error(`unexpected reply from the admission script: ${JSON.stringify(reply)}`),
      );
    }
    return { admitted: false, waitMs: Math.max(1, waitMs), bucket };
  }

  /** Redis failed: admit every waiting and later call locally until a probe finds Redis again. */
  #degrade(options: FallbackOptions, cause: unknown): void {
    const local = new LocalFallback(options, this.#now);
    this.#local = local;
    this.#onModeChange?.("local", cause);
    this.#probe = setInterval(() => void this.#tryRecover(), this.#probeIntervalMs);
    this.#probe.unref();
    for (const waiter of [...this.#queue]) this.#admitLocally(waiter, local);
  }

  #admitLocally(waiter: Waiter, local: LocalFallback): void {
    this.#leave(waiter);
    const buckets = local.bucketsFor(waiter.buckets);
    if (!buckets) {
      waiter.reject(
        new RedisStoreError(
          "throttle admission",
          this.#connection.target,
          new Error("Redis is unavailable and a limit below fallback.processes cannot be shared locally"),
        ),
      );
      return;
    }
    for (const bucket of waiter.buckets) bucket.users++;
    const admitted = (slots: unknown, waited: boolean, waitMs: number, label: string) => {
      const now = this.#now();
      for (const bucket of waiter.buckets) {
        bucket.localBusyUntil = Math.max(bucket.localBusyUntil, now + bucket.maxTransitMs + bucket.windowMs);
      }
      waiter.resolve({
        ticket: { id: "", local: { store: local.scheduler, buckets, slots } },
        bucket: label,
        waitMs,
        waited,
      });
    };
    const slots = local.scheduler.tryAdmit(buckets, waiter.costs);
    if (slots) {
      admitted(slots, false, 0, (buckets[0] as SchedulerBucket).label);
      return;
    }
    // Its own signal, so that the store can take it back to Redis when Redis returns.
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(waiter.signal.reason);
    waiter.signal.addEventListener("abort", forwardAbort, { once: true });
    const entry = { waiter, controller };
    local.waiting.add(entry);
    local.scheduler.enqueue(buckets, controller.signal, waiter.costs).then(
      (admission) => {
        local.waiting.delete(entry);
        waiter.signal.removeEventListener("abort", forwardAbort);
        admitted(admission.ticket, true, admission.waitMs, admission.bucket);
      },
      (reason: unknown) => {
        local.waiting.delete(entry);
        waiter.signal.removeEventListener("abort", forwardAbort);
        if (reason === BACK_TO_REDIS) return;
        for (const bucket of waiter.buckets) bucket.users--;
        waiter.reject(reason);
      },
    );
  }

  /**
   * Redis answers again: pause each bucket there until the calls this process admitted locally stop
   * counting, so that nobody admits on top of them; then admit through Redis again.
   */
  async #tryRecover(): Promise<void> {
    const local = this.#local;
    if (!local) return;
    const now = this.#now();
    try {
      await this.#connection.redis.ping();
      const busy = [...this.#buckets.values()].filter((bucket) => bucket.localBusyUntil > now);
      await Promise.all(
        busy.map((bucket) =>
          this.#connection.script(PAUSE, [bucket.keys.pause], [Math.ceil(bucket.localBusyUntil - now)]),
        ),
      );
    } catch {
      return;
    }
    if (this.#local !== local) return;
    clearInterval(this.#probe);
    this.#probe = undefined;
    this.#local = undefined;
    // Calls still waiting locally go back to the Redis queue, in their order.
    for (const entry of [...local.waiting]) {
      local.waiting.delete(entry);
      entry.controller.abort(BACK_TO_REDIS);
      const { waiter } = entry;
      waiter.queued = true;
      this.#queue.add(waiter);
      waiter.signal.addEventListener("abort", waiter.onAbort, { once: true });
    }
    this.#onModeChange?.("redis");
    void this.#pass();
  }

  /** Stops the fallback's probe (when the store closes). */
  stop(): void {
    clearInterval(this.#probe);
    this.#probe = undefined;
  }

  #release(buckets: readonly RedisBucket[], id: string, costs: readonly number[] | undefined): void {
    this.#connection
      .script(
        RELEASE,
        buckets.map((bucket) => bucket.keys.slots),
        buckets.map((bucket, i) => memberOf(bucket, id, costs?.[i])),
      )
      .catch(() => {});
  }

  /** Redis could not decide: every waiting call fails now rather than each waiting for its own timeout. */
  #failAll(error: unknown): void {
    const waiters = [...this.#queue];
    for (const waiter of waiters) this.#leave(waiter);
    for (const waiter of waiters) waiter.reject(error);
  }

  #abandon(waiter: Waiter): void {
    if (!waiter.queued) return;
    this.#leave(waiter);
    waiter.reject(waiter.signal.reason);
  }

  #leave(waiter: Waiter): void {
    waiter.queued = false;
    this.#queue.delete(waiter);
    waiter.signal.removeEventListener("abort", waiter.onAbort);
    for (const bucket of waiter.buckets) bucket.users--;
  }

  /** One timer, for the earliest instant a bucket that blocks a waiter may have room. */
  #arm(): void {
    let due = Number.POSITIVE_INFINITY;
    const now = this.#now();
    for (const waiter of this.#queue) {
      for (const bucket of waiter.buckets) {
        if (bucket.fullUntil > now && bucket.fullUntil < due) due = bucket.fullUntil;
      }
    }
    if (this.#queue.size > 0 && due === Number.POSITIVE_INFINITY) due = now;
    if (due === this.#timerDue) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = due;
    if (due === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerDue = Number.POSITIVE_INFINITY;
        void this.#pass();
      },
      Math.max(0, Math.ceil(due - now)),
    );
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, bucket] of this.#buckets) {
      if (bucket.users === 0 && bucket.fullUntil <= now) this.#buckets.delete(key);
    }
    this.#sweepAt = Math.max(MIN_BUCKETS_BEFORE_SWEEP, 2 * this.#buckets.size);
  }
}

/** A call's member in a bucket's sorted set: its id, plus its cost in a weighted bucket. */
function memberOf(bucket: RedisBucket, id: string, cost: number | undefined): string {
  return bucket.weighted ? `${id}|${cost ?? 1}` : id;
}
