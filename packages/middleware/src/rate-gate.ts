/**
 * Client-side rate limits for sends that are not HTTP calls, such as a stream's own message limits: the
 * throttle's sliding-window schedule (sliding-window.ts, throttle-scheduler.ts) without what HTTP brings
 * to it (no request to match against rules, no 429 or `X-RateLimit-*` answer to learn from). A send
 * takes a slot in every limit it belongs to at the same instant, waiting in arrival order, and holds it
 * until one interval after it settles. Far smaller than the throttle, so a bundle that needs only this
 * does not carry the HTTP throttle.
 */
import { ConfigError, RateLimitError } from "./errors.js";
import { type Bucket, ThrottleScheduler } from "./throttle-scheduler.js";
import type { BucketInit } from "./throttle-store.js";

export interface RateGateLimit {
  /** Unique within the gate; `run` names the limits a send belongs to. */
  name: string;
  /** Sends allowed in any `intervalMs`; a whole number ≥ 1. */
  limit: number;
  intervalMs: number;
}

export interface RateGateOptions {
  /** Named in errors, e.g. `saxo streaming`. */
  name: string;
  limits: readonly RateGateLimit[];
  /** Added to every limit's interval, as the throttle's option of that name. Default 0.1% of it, at least 1 ms. */
  marginMs?: number;
  /** How long after its start an unsettled send is assumed to have arrived, as the throttle's option. Default 30 000 ms. */
  maxTransitMs?: number;
  /** Longest a send waits for a slot before it fails with a RateLimitError. Default 300 000 ms, as the throttle's. */
  maxWaitMs?: number;
  /** Monotonic clock in milliseconds. Default `performance.now()`. */
  now?: () => number;
}

export interface RateGateRunOptions {
  /** Names of the limits the send belongs to; default every limit of the gate. */
  limits?: readonly string[];
  /** Aborting it while the send waits for a slot rejects with its reason; the send is then never made. */
  signal?: AbortSignal;
}

export interface RateGate {
  /** Runs `send` once every limit it belongs to has room, holding their slots until it settles. */
  run<T>(send: () => Promise<T>, options?: RateGateRunOptions): Promise<T>;
  /** Limits with sends in their window, and sends waiting for a slot. */
  stats(): { buckets: number; waiting: number };
}

export function createRateGate(options: RateGateOptions): RateGate {
  const { name } = options;
  const scheduler = new ThrottleScheduler(options.now ?? (() => performance.now()));
  const maxWaitMs = options.maxWaitMs ?? 300_000;
  const inits = new Map<string, BucketInit>();
  for (const limit of options.limits) inits.set(limit.name, compileLimit(name, limit, options, inits));
  const every = [...inits.keys()];

  function bucketsOf(names: readonly string[]): Bucket[] {
    return names.map((limitName) => {
      const init = inits.get(limitName);
      if (!init) {
        throw new ConfigError(`${name}: no rate limit named "${limitName}" (known: ${every.join(", ") || "none"})`);
      }
      return scheduler.get(limitName) ?? scheduler.create(init);
    });
  }

  async function waitForSlots(buckets: Bucket[], signal: AbortSignal | undefined) {
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      const blocked = buckets.map((bucket) => `"${bucket.ruleName}"`).join(", ");
      deadline.abort(
        new RateLimitError(`${name}: found no free slot in rate limit ${blocked} within maxWaitMs (${maxWaitMs} ms)`, {
          status: 429,
        }),
      );
    }, maxWaitMs);
    try {
      const joined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
      return (await scheduler.enqueue(buckets, joined)).ticket;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async run(send, runOptions = {}) {
      const buckets = bucketsOf(runOptions.limits ?? every);
      if (buckets.length === 0) return send();
      runOptions.signal?.throwIfAborted();
      const slots = scheduler.tryAdmit(buckets) ?? (await waitForSlots(buckets, runOptions.signal));
      try {
        return await send();
      } finally {
        // The send answered or failed: it reached the other end by now, if ever.
        scheduler.settle(buckets, slots);
      }
    },
    stats: () => scheduler.stats(),
  };
}

function compileLimit(
  gate: string,
  limit: RateGateLimit,
  options: RateGateOptions,
  seen: ReadonlyMap<string, unknown>,
): BucketInit {
  const where = `${gate}: rate limit "${limit.name}"`;
  if (typeof limit.name !== "string" || limit.name === "") {
    throw new ConfigError(`${gate}: every rate limit needs a non-empty name`);
  }
  if (seen.has(limit.name)) throw new ConfigError(`${where} is declared twice; names must be unique`);
  if (!Number.isInteger(limit.limit) || limit.limit < 1) {
    throw new ConfigError(`${where}: limit must be a whole number ≥ 1, got ${String(limit.limit)}`);
  }
  if (!Number.isFinite(limit.intervalMs) || limit.intervalMs <= 0) {
    throw new ConfigError(`${where}: intervalMs must be a finite number > 0, got ${String(limit.intervalMs)}`);
  }
  return {
    key: limit.name,
    label: `${gate}:${limit.name}`,
    identity: gate,
    ruleName: limit.name,
    limit: limit.limit,
    windowMs: limit.intervalMs + (options.marginMs ?? Math.max(Math.ceil(limit.intervalMs * 0.001), 1)),
    maxTransitMs: options.maxTransitMs ?? 30_000,
  };
}
