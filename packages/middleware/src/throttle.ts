/**
 * Client-side rate limiting on the sliding-window schedule, made to hold at the server: a call
 * starts as soon as fewer than `limit` calls occupy the preceding `intervalMs`, in every bucket it
 * belongs to, where a call occupies the window until `intervalMs` after its response proved that it
 * had arrived (sliding-window.ts). Buckets are per identity, per rule, and per `{capture}` of the
 * rule's path pattern. Server feedback (429, exhausted `X-RateLimit-*` headers) pauses the request's
 * buckets until the reset. The README's Throttle section says why this replaces p-throttle.
 * The buckets live in a `ThrottleStore`: in this process by default, or shared (e.g. in Redis).
 */
import type { RateLimitHeaderNames, RateLimitRule } from "./config.js";
import { declaredLimitState } from "./declared-limit-headers.js";
import { ConfigError, RateLimitError } from "./errors.js";
import { responseHeader, responseHeaderNames } from "./header-snapshot.js";
import { neverAborts } from "./never-aborted.js";
import { notify } from "./notify.js";
import { compilePattern, type PathMatcher } from "./pattern.js";
import {
  dimensionsIn,
  isExhausted,
  parseRetryAfter,
  RATE_LIMIT_PREFIX,
  type RateLimitDimension,
} from "./rate-limit-headers.js";
import { redactUrl } from "./redact.js";
import { ThrottleScheduler } from "./throttle-scheduler.js";
import type { ThrottleBucket, ThrottleStore } from "./throttle-store.js";
import type { CallContext, Handler, Layer, Observer } from "./types.js";

export interface ThrottleOptions {
  rules: readonly RateLimitRule[];
  /**
   * Added to every rule's interval. Arrival times are already bounded by the responses (see
   * maxTransitMs), so this only absorbs clock-rate differences between client and server and timer
   * rounding. Default: 0.1% of the rule's interval, at least 1 ms (1 ms for a 1 s interval).
   */
  marginMs?: number;
  /**
   * How long after its start a call that has not settled yet is assumed to have reached the server.
   * A call counts against its window until `intervalMs` after it answers or fails, or after `start +
   * maxTransitMs` if that is earlier. Default 30 000 ms, the default per-attempt timeout (clients pass
   * their own timeout), so an unanswered call holds its place for as long as it can still arrive,
   * even when the event loop or the network is slow. Lower it only if you trust your latency.
   */
  maxTransitMs?: number;
  observer?: Observer;
  /** Monotonic clock in milliseconds. Default `performance.now()`. */
  now?: () => number;
  /** Pause after a 429 that says nothing about when to come back. Default 1000 ms. */
  defaultPauseMs?: number;
  /** Longest pause the server can impose through headers or Retry-After. Default 60 000 ms. */
  maxPauseMs?: number;
  /**
   * Longest a call waits for a slot. Past it the call fails with a RateLimitError instead of waiting on.
   * Default 300 000 ms (a burst of 1,000 calls at 200 per minute needs 5 minutes).
   */
  maxWaitMs?: number;
  /**
   * A call that meets a pause the server imposed (429, exhausted headers) and that ends later than this
   * fails at once with a RateLimitError saying when the limit reopens, instead of waiting silently.
   * Default 30 000 ms; clients pass their per-attempt timeout.
   */
  maxPauseWaitMs?: number;
  /**
   * Where the buckets live. Default: this process only (`ThrottleScheduler` on the `now` clock). A shared
   * store (e.g. `redisStore(...).throttle` from `@brokerkit/redis`) makes the limits hold across processes.
   */
  store?: ThrottleStore;
}

export interface ThrottleStats {
  /** Buckets currently tracked (idle ones are swept). */
  buckets: number;
  /** Calls waiting for a slot. */
  waiting: number;
}

export interface Throttle {
  layer: Layer;
  /** Stops calls of `identity` (of everyone, when omitted) for `durationMs`, e.g. on an out-of-band signal. */
  pause(durationMs: number, identity?: string): void;
  stats(): ThrottleStats;
}

interface CompiledRule {
  name: string;
  /** Lower-case letters and digits only, to match `X-RateLimit-<Dimension>-*` names. */
  matchName: string;
  limit: number;
  windowMs: number;
  maxTransitMs: number;
  methods: ReadonlySet<string> | undefined;
  match: PathMatcher | undefined;
  intervalMs: number;
  weighted: boolean;
  scope: "credential" | "ip" | { param: string };
  headers: RateLimitHeaderNames | undefined;
  banStatuses: ReadonlySet<number> | undefined;
  /**
   * The scope of the last call and this rule's bucket key for it (before path captures): a call of the
   * same scope (usually every call) looks its bucket up with a string whose hash is already known.
   */
  lastScope?: string;
  lastKey?: string;
  /** What `match` found in each path seen lately (the same paths recur), with the key part it makes. */
  paths: Map<string, PathCaptures | null>;
}

interface PathCaptures {
  captures: Record<string, string>;
  /** The captured values, each after a KEY_SEPARATOR, to append to the bucket key. */
  keyPart: string;
  /** The last key built with these captures, and the scope's key it was built on (usually the only one). */
  key?: string;
  keyOf?: string;
}

/**
 * The buckets one call takes, with what it costs in each and the scope each belongs to. It is also what
 * `context.throttle` shows the debug log (the buckets, and the wait once there is one).
 */
interface CallBuckets {
  buckets: ThrottleBucket[];
  costs: number[] | undefined;
  rules: CompiledRule[];
  scopes: string[];
  waitMs: number;
}

/** The default per-attempt timeout: an unsettled call may arrive until then. */
const DEFAULT_MAX_TRANSIT_MS = 30_000;
const DEFAULT_MARGIN_FRACTION = 0.001;
const MIN_DEFAULT_MARGIN_MS = 1;
const KEY_SEPARATOR = "\u0000";
/** Paths whose captures a rule remembers; past this it starts afresh (paths take unbounded values). */
const MAX_REMEMBERED = 1024;

/** The throttle layer alone, for stacks that need no handle on it. */
export function throttle(options: ThrottleOptions): Layer {
  return createThrottle(options).layer;
}

export function createThrottle(options: ThrottleOptions): Throttle {
  const now = options.now ?? (() => performance.now());
  const rules = compileRules(options.rules, options.marginMs, options.maxTransitMs);
  const observer = options.observer;
  const defaultPauseMs = nonNegative(options.defaultPauseMs, 1000, "defaultPauseMs");
  const maxPauseMs = nonNegative(options.maxPauseMs, 60_000, "maxPauseMs");
  const maxWaitMs = nonNegative(options.maxWaitMs, 300_000, "maxWaitMs");
  const maxPauseWaitMs = nonNegative(options.maxPauseWaitMs, 30_000, "maxPauseWaitMs");
  const pauses = new PauseLedger();
  const scheduler: ThrottleStore = options.store ?? new ThrottleScheduler(now);
  // Most stacks declare no ban status and no header names of their own: their answers skip those checks.
  const ownFeedback = rules.some((rule) => rule.banStatuses || rule.headers);

  function bucketsFor(request: Request, context: CallContext): CallBuckets {
    const identity = context.identity ?? "anonymous";
    const call: CallBuckets = { buckets: [], costs: undefined, rules: [], scopes: [], waitMs: 0 };
    let method: string | undefined;
    let path: string | undefined;
    for (const rule of rules) {
      if (rule.methods) {
        method ??= request.method.toUpperCase();
        if (!rule.methods.has(method)) continue;
      }
      const scope = scopeOf(rule, identity, context);
      if (scope === undefined) continue;
      if (rule.lastScope !== scope) {
        rule.lastScope = scope;
        rule.lastKey = scope + KEY_SEPARATOR + rule.name;
      }
      let key = rule.lastKey as string;
      let captures: Record<string, string> | undefined;
      if (rule.match) {
        path ??= context.operation?.path ?? new URL(request.url).pathname;
        const matched = pathCaptures(rule, rule.match, path);
        if (!matched) continue;
        if (matched.keyOf !== key) {
          matched.keyOf = key;
          matched.key = key + matched.keyPart;
        }
        key = matched.key as string;
        captures = matched.captures;
      }
      const cost = rule.weighted ? (context.operation?.flags?.weight ?? 1) : 1;
      if (cost > rule.limit) {
        throw new RateLimitError(
          `throttle: ${request.method} ${redactUrl(request.url)} weighs ${cost}, more than the whole limit of rule "${rule.name}" (${rule.limit}); it can never be sent`,
          { method: request.method, url: request.url, status: 429 },
        );
      }
      if (cost !== 1) call.costs ??= call.buckets.map(() => 1);
      call.costs?.push(cost);
      call.buckets.push(scheduler.get(key) ?? createBucket(key, scope, rule, captures));
      call.rules.push(rule);
      call.scopes.push(scope);
    }
    return call;
  }

  function createBucket(
    key: string,
    identity: string,
    rule: CompiledRule,
    captures?: Record<string, string>,
  ): ThrottleBucket {
    const scope = captures && Object.keys(captures).length > 0 ? `{${new URLSearchParams(captures)}}` : "";
    return scheduler.create({
      key,
      label: `${identity}:${rule.name}${scope}`,
      identity,
      ruleName: rule.matchName,
      limit: rule.limit,
      windowMs: rule.windowMs,
      maxTransitMs: rule.maxTransitMs,
      ...(rule.weighted ? { weighted: true } : {}),
    });
  }

  /** Every bucket of `scope` this process knows, plus those of its rules without path captures (created). */
  function bucketsOfScope(scope: string, like: CompiledRule): ThrottleBucket[] {
    const prefix = scope + KEY_SEPARATOR;
    const found = new Map<string, ThrottleBucket>();
    for (const bucket of scheduler.all()) if (bucket.key.startsWith(prefix)) found.set(bucket.key, bucket);
    for (const rule of rules) {
      if (rule.match || !sameScopeKind(rule.scope, like.scope)) continue;
      const key = prefix + rule.name;
      if (!found.has(key)) found.set(key, scheduler.get(key) ?? createBucket(key, scope, rule));
    }
    return [...found.values()];
  }

  /** Calls waiting for a slot: a pause longer than maxPauseWaitMs ends their wait as it would refuse a new call. */
  const waiters = new Set<Waiter>();

  /** Holds `buckets` back for `durationMs` (at most maxPauseMs); with a reason, observers hear of it. */
  function pauseBuckets(
    buckets: readonly ThrottleBucket[],
    durationMs: number,
    reason?: "429" | "headers" | "ban",
  ): void | Promise<void> {
    const pauseMs = Math.min(durationMs, maxPauseMs);
    if (!(pauseMs > 0)) return;
    const wallNow = Date.now();
    const untilMs = wallNow + pauseMs;
    pauses.record(buckets, untilMs, wallNow + durationMs);
    const stored = scheduler.pauseFor(buckets, pauseMs);
    // Calls already waiting behind these buckets may wait no longer than a new call would be let wait.
    if (pauseMs > maxPauseWaitMs) {
      for (const waiter of waiters) {
        const pause = pauses.longest(waiter.buckets, wallNow);
        if (pause && pause.holdUntil - wallNow > maxPauseWaitMs) {
          waiter.deadline.abort(pausedError(waiter.request, pause));
        }
      }
    }
    if (reason)
      for (const bucket of buckets) notify(observer, { type: "throttle.pause", bucket: bucket.label, untilMs, reason });
    return stored;
  }

  /**
   * Learns from the server's answer: a 429 or an exhausted limit pauses the buckets concerned. With a
   * shared store the response is handed on once the pause is stored, so every process honours it by then.
   */
  function learn(response: Response, call: CallBuckets): Response | Promise<Response> {
    const { buckets, rules: callRules } = call;
    const { headers, status } = response;
    const names = responseHeaderNames(response, RATE_LIMIT_PREFIX);
    // The common answer teaches nothing: no rate-limit header, not a 429, and no rule with bans or header names.
    if (!names && status !== 429 && !ownFeedback) return response;
    const wallNow = Date.now();
    let stored: Promise<void>[] | undefined;
    // A ban (Binance's 418) stops the whole scope, every rule of it, until Retry-After.
    callRules.forEach((rule, i) => {
      if (!rule.banStatuses?.has(status)) return;
      const waitMs = parseRetryAfter(headers.get("retry-after"), wallNow) ?? rule.intervalMs;
      stored = keep(stored, pauseBuckets(bucketsOfScope(call.scopes[i] as string, rule), waitMs, "ban"));
    });
    // Limits reported under names the manifest declares, in the rule's unit.
    callRules.forEach((rule, i) => {
      if (!rule.headers) return;
      const state = declaredLimitState(headers, rule.headers, rule.limit, wallNow);
      if (state === undefined || state.remaining > 0) return;
      const waitMs = (state.resetAt ?? wallNow + rule.intervalMs) - wallNow;
      stored = keep(stored, pauseBuckets([buckets[i] as ThrottleBucket], waitMs, "headers"));
    });
    const exhausted = dimensionsIn((name) => responseHeader(response, name), names, wallNow).filter(isExhausted);
    if (status === 429) {
      const resetAt = latestReset(exhausted);
      const waitMs =
        parseRetryAfter(headers.get("retry-after"), wallNow) ??
        (resetAt === undefined ? defaultPauseMs : resetAt - wallNow);
      stored = keep(stored, pauseBuckets(bucketsNamedBy(exhausted, buckets), waitMs, "429"));
    } else {
      for (const dimension of exhausted) {
        if (dimension.resetAt === undefined) continue;
        const waitMs = dimension.resetAt - wallNow;
        stored = keep(stored, pauseBuckets(bucketsNamedBy([dimension], buckets), waitMs, "headers"));
      }
    }
    return stored ? Promise.all(stored).then(() => response) : response;
  }

  const layer: Layer = (next) => (request, context) => {
    let call: CallBuckets;
    try {
      call = bucketsFor(request, context);
    } catch (error) {
      return Promise.reject(error);
    }
    const { buckets, costs } = call;
    if (buckets.length === 0) return next(request, context);
    // For the debug log: the buckets of this attempt (the wait is added below when there is one).
    context.throttle = call;
    const signal = request.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    const ticket = scheduler.tryAdmit(buckets, costs);
    if (ticket !== undefined) return run(next, request, context, call, ticket);
    const pause = pauses.longest(buckets, Date.now());
    if (pause && pause.holdUntil - Date.now() > maxPauseWaitMs) {
      return Promise.reject(pausedError(request, pause));
    }
    return waitForSlot(buckets, costs, signal, request).then((admission) => {
      if (context.throttle) context.throttle.waitMs = admission.waitMs;
      if (observer && admission.waited !== false) {
        notify(observer, {
          type: "throttle.wait",
          bucket: admission.bucket,
          waitMs: admission.waitMs,
          method: request.method,
          url: redactUrl(request.url),
        });
      }
      return run(next, request, context, call, admission.ticket);
    });
  };

  /** The scheduler's admission, or a RateLimitError once `maxWaitMs` has passed without one. */
  async function waitForSlot(
    buckets: ThrottleBucket[],
    costs: number[] | undefined,
    signal: AbortSignal,
    request: Request,
  ) {
    const deadline = new AbortController();
    const waiter: Waiter = { buckets, request, deadline };
    waiters.add(waiter);
    const timer = setTimeout(() => {
      const pause = pauses.longest(buckets, Date.now());
      deadline.abort(
        new RateLimitError(
          `throttle: ${request.method} ${redactUrl(request.url)} found no free slot in bucket ${buckets[0]?.label ?? "?"} within maxWaitMs (${maxWaitMs} ms)${pause ? `; the limit reopens at ${new Date(pause.reopensAt).toISOString()}` : ""}`,
          { method: request.method, url: request.url, status: 429, ...(pause ? { reopensAt: pause.reopensAt } : {}) },
        ),
      );
    }, maxWaitMs);
    try {
      // A call made without a signal has one shared signal that never aborts: joining it would only make
      // that long-lived signal track every waiting call (AbortSignal.any keeps its dependants on it).
      const joined = neverAborts(signal) ? deadline.signal : AbortSignal.any([signal, deadline.signal]);
      return await scheduler.enqueue(buckets, joined, costs);
    } finally {
      clearTimeout(timer);
      waiters.delete(waiter);
    }
  }

  function pausedError(request: Request, pause: KnownPause): RateLimitError {
    const reopens = new Date(pause.reopensAt).toISOString();
    return new RateLimitError(
      `throttle: ${request.method} ${redactUrl(request.url)} was not sent: the broker paused bucket ${pause.bucket} and the limit reopens at ${reopens} (in ${Math.ceil((pause.reopensAt - Date.now()) / 1000)} s), later than maxPauseWaitMs (${maxPauseWaitMs} ms) allows a call to wait`,
      { method: request.method, url: request.url, status: 429, reopensAt: pause.reopensAt },
    );
  }

  /**
   * Sends an admitted call. A response proves the request reached the server before now, so its
   * slots may end one interval from now. A failure (reset, abort, deadline) means fetch has let go of
   * the request: whatever of it reached the server did so by now, so the same bound applies.
   */
  function run(next: Handler, request: Request, context: CallContext, call: CallBuckets, ticket: unknown) {
    return next(request, context).then(
      (response) => {
        scheduler.settle(call.buckets, ticket);
        return learn(response, call);
      },
      (error: unknown) => {
        scheduler.settle(call.buckets, ticket);
        throw error;
      },
    );
  }

  return {
    layer,
    pause(durationMs, identity) {
      const chosen: ThrottleBucket[] = [];
      for (const bucket of scheduler.all())
        if (identity === undefined || bucket.identity === identity) chosen.push(bucket);
      void pauseBuckets(chosen, durationMs);
    },
    stats: () => scheduler.stats(),
  };
}

/** A call waiting in the throttle, with the controller that ends its wait. */
interface Waiter {
  buckets: readonly ThrottleBucket[];
  request: Request;
  deadline: AbortController;
}

interface KnownPause {
  bucket: string;
  /** Wall-clock ms until which this process holds the bucket's calls back (capped by maxPauseMs). */
  holdUntil: number;
  /** Wall-clock ms at which the server said the limit reopens (not capped). */
  reopensAt: number;
}

/** The pauses this process imposed, by bucket key, so a call can be told when its limit reopens. */
class PauseLedger {
  readonly #byKey = new Map<string, KnownPause>();

  record(buckets: readonly ThrottleBucket[], holdUntil: number, reopensAt: number): void {
    if (this.#byKey.size > 1024) this.#sweep(Date.now());
    for (const bucket of buckets) {
      const known = this.#byKey.get(bucket.key);
      if (known && known.holdUntil >= holdUntil) continue;
      this.#byKey.set(bucket.key, { bucket: bucket.label, holdUntil, reopensAt: Math.max(reopensAt, holdUntil) });
    }
  }

  /** The pause among `buckets` that holds calls back longest, if one is still running. */
  longest(buckets: readonly ThrottleBucket[], now: number): KnownPause | undefined {
    let longest: KnownPause | undefined;
    for (const bucket of buckets) {
      const pause = this.#byKey.get(bucket.key);
      if (!pause) continue;
      if (pause.holdUntil <= now) this.#byKey.delete(bucket.key);
      else if (!longest || pause.holdUntil > longest.holdUntil) longest = pause;
    }
    return longest;
  }

  #sweep(now: number): void {
    for (const [key, pause] of this.#byKey) if (pause.holdUntil <= now) this.#byKey.delete(key);
  }
}

/**
 * Buckets a response's dimensions refer to: those whose rule name equals a dimension name or ends it
 * (`SessionOrders` → rule `orders`), ignoring case and punctuation. All of the request's buckets when
 * no named dimension matches (plain `X-RateLimit-*` headers, or names the manifest does not use).
 */
function bucketsNamedBy(
  dimensions: readonly RateLimitDimension[],
  buckets: readonly ThrottleBucket[],
): readonly ThrottleBucket[] {
  const named: ThrottleBucket[] = [];
  for (const bucket of buckets) {
    for (const dimension of dimensions) {
      const name = normalise(dimension.name);
      if (name !== "" && (name === bucket.ruleName || name.endsWith(bucket.ruleName))) {
        named.push(bucket);
        break;
      }
    }
  }
  return named.length > 0 ? named : buckets;
}

/** What `match` captures in `path`, remembered on the rule: matching is pure, and a match costs a regex and decoding. */
function pathCaptures(rule: CompiledRule, match: PathMatcher, path: string): PathCaptures | null {
  let matched = rule.paths.get(path);
  if (matched === undefined) {
    const captures = match(path);
    matched = null;
    if (captures) {
      let keyPart = "";
      for (const name in captures) keyPart += KEY_SEPARATOR + captures[name];
      matched = { captures, keyPart };
    }
    if (rule.paths.size >= MAX_REMEMBERED) rule.paths.clear();
    rule.paths.set(path, matched);
  }
  return matched;
}

/** Adds a pause still being stored (shared stores) to the list of those the response waits for. */
function keep(stored: Promise<void>[] | undefined, pending: void | Promise<void>): Promise<void>[] | undefined {
  if (!pending) return stored;
  if (!stored) return [pending];
  stored.push(pending);
  return stored;
}

function latestReset(dimensions: readonly RateLimitDimension[]): number | undefined {
  let latest: number | undefined;
  for (const dimension of dimensions) {
    if (dimension.resetAt !== undefined && (latest === undefined || dimension.resetAt > latest)) {
      latest = dimension.resetAt;
    }
  }
  return latest;
}

function compileRules(
  rules: readonly RateLimitRule[],
  marginMs: number | undefined,
  maxTransitMs: number | undefined,
): CompiledRule[] {
  nonNegative(marginMs, 0, "marginMs", true);
  nonNegative(maxTransitMs, 0, "maxTransitMs", true);
  const seen = new Set<string>();
  return rules.map((rule, index) => {
    const where = `throttle rule rateLimits[${index}]${typeof rule.name === "string" ? ` ("${rule.name}")` : ""}`;
    if (typeof rule.name !== "string" || rule.name === "")
      throw new ConfigError(`${where}: name must be a non-empty string`);
    if (seen.has(rule.name))
      throw new ConfigError(`${where}: name is used by another rule; bucket names must be unique`);
    seen.add(rule.name);
    if (!Number.isInteger(rule.limit) || rule.limit < 1) {
      throw new ConfigError(`${where}: limit must be a whole number ≥ 1, got ${String(rule.limit)}`);
    }
    if (!Number.isFinite(rule.intervalMs) || rule.intervalMs <= 0) {
      throw new ConfigError(`${where}: intervalMs must be a finite number > 0, got ${String(rule.intervalMs)}`);
    }
    const margin = marginMs ?? Math.max(Math.ceil(rule.intervalMs * DEFAULT_MARGIN_FRACTION), MIN_DEFAULT_MARGIN_MS);
    if (
      rule.scope !== undefined &&
      rule.scope !== "credential" &&
      rule.scope !== "ip" &&
      !(typeof rule.scope === "object" && typeof rule.scope.param === "string" && rule.scope.param !== "")
    ) {
      throw new ConfigError(`${where}: scope must be "credential", "ip" or { param: "<path parameter>" }`);
    }
    return {
      name: rule.name,
      matchName: normalise(rule.name),
      limit: rule.limit,
      windowMs: rule.intervalMs + margin,
      maxTransitMs: maxTransitMs ?? DEFAULT_MAX_TRANSIT_MS,
      methods: rule.methods && rule.methods.length > 0 ? new Set(rule.methods.map((m) => m.toUpperCase())) : undefined,
      match: rule.path === undefined ? undefined : compilePattern(rule.path),
      intervalMs: rule.intervalMs,
      weighted: rule.unit === "weight",
      scope: rule.scope ?? "credential",
      headers: rule.headers,
      banStatuses: rule.banStatuses?.length ? new Set(rule.banStatuses) : undefined,
      paths: new Map(),
    };
  });
}

/**
 * The key part naming whose budget a rule's bucket is: the credential's identity, the IP (shared by all
 * credentials), or a path parameter's value. Undefined when the call lacks that parameter (not in scope).
 */
function scopeOf(rule: CompiledRule, identity: string, context: CallContext): string | undefined {
  if (rule.scope === "credential") return identity;
  if (rule.scope === "ip") return "ip";
  const value = context.operation?.params[rule.scope.param];
  return value === undefined ? undefined : `${rule.scope.param}=${value}`;
}

function sameScopeKind(a: CompiledRule["scope"], b: CompiledRule["scope"]): boolean {
  return typeof a === "object" && typeof b === "object" ? a.param === b.param : a === b;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** `value`, or `fallback` when it is undefined; a ConfigError naming the option unless it is a number ≥ 0 (finite, if asked). */
function nonNegative(value: number | undefined, fallback: number, name: string, finite = false): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || (finite && !Number.isFinite(value))) {
    throw new ConfigError(`throttle: ${name} must be a ${finite ? "finite " : ""}number ≥ 0, got ${String(value)}`);
  }
  return value;
}
