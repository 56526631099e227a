/**
 * Where the throttle keeps its buckets. The default is the in-process `ThrottleScheduler`
 * (throttle-scheduler.ts); a shared store (e.g. `@brokerkit/redis`) implements the same contract so
 * that several processes draw on one set of buckets. The throttle layer (throttle.ts) decides which
 * buckets a call needs and what a response teaches; the store decides when the call may start.
 */

/** What a store needs to know to create a bucket. */
export interface BucketInit {
  /** Unique key: identity, rule name and path captures, separated by U+0000. */
  key: string;
  /** Printable name for events: identity, rule and captures. Never a secret. */
  label: string;
  identity: string;
  /** Rule name, lower-case letters and digits only (to match `X-RateLimit-<Dimension>-*`). */
  ruleName: string;
  limit: number;
  /** Interval plus safety margin. */
  windowMs: number;
  /** How long after its start an unanswered call is assumed to have arrived. */
  maxTransitMs: number;
  /** True when `limit` counts weight (calls cost their operation's weight) rather than calls. */
  weighted?: boolean;
}

/** A bucket as the throttle layer sees it. Stores may add their own state. */
export interface ThrottleBucket {
  readonly key: string;
  readonly label: string;
  readonly identity: string;
  readonly ruleName: string;
}

/** How a call that could not start at once was admitted. */
export interface Admission<Ticket = unknown> {
  /** What the store needs back in `settle`. */
  ticket: Ticket;
  /** Label of the bucket that made the call wait. */
  bucket: string;
  waitMs: number;
  /** False when the call did not actually wait (a shared store admits every call asynchronously). */
  waited?: boolean;
}

export interface ThrottleStoreStats {
  /** Buckets this process currently tracks. */
  buckets: number;
  /** Calls of this process waiting for a slot. */
  waiting: number;
}

/**
 * The admission contract. Every call takes a place in all of its buckets at once; it occupies them
 * until `windowMs` after it settles, or `start + maxTransitMs + windowMs` if it never does.
 */
export interface ThrottleStore<Bucket extends ThrottleBucket = ThrottleBucket, Ticket = unknown> {
  /** The bucket already known under `key`, if any (lets the layer skip building a BucketInit). */
  get(key: string): Bucket | undefined;
  create(init: BucketInit): Bucket;
  /**
   * Admits the call now, synchronously, when that is possible: its ticket, else undefined. `costs` is what
   * the call takes of each bucket's limit (default 1 each), in the order of `buckets`.
   */
  tryAdmit(buckets: readonly Bucket[], costs?: readonly number[]): Ticket | undefined;
  /**
   * Admits the call when every bucket has room. Rejects with the signal's reason on abort, or with
   * the store's own error when it cannot decide (a shared store that is unreachable).
   */
  enqueue(buckets: readonly Bucket[], signal: AbortSignal, costs?: readonly number[]): Promise<Admission<Ticket>>;
  /** The admitted call answered or failed: it reached the server by now, if ever. Never throws. */
  settle(buckets: readonly Bucket[], ticket: Ticket): void;
  /**
   * Stops admissions through these buckets for `durationMs` (server feedback). A shared store returns
   * a promise that settles once the other processes can see the pause; it never rejects or throws.
   */
  pauseFor(buckets: readonly Bucket[], durationMs: number): void | Promise<void>;
  /** Every bucket this process knows, e.g. to pause all of one identity. */
  all(): Iterable<Bucket>;
  stats(): ThrottleStoreStats;
}
