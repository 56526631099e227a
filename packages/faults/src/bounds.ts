/**
 * How long a call may take before it counts as hung, derived from the client's own settings and the
 * middleware's layer order (retry › throttle › auth › sticky › timeout): every attempt may spend its
 * token exchanges, every request its whole deadline, every backoff its whole cap, and every throttle
 * admission the wait its rules allow. The timers behind all of these fire late when the event loop is
 * busy, so the caller adds a margin measured while the call runs (loop-delay.ts), never a constant. A
 * real hang (a 60 s throttle wait, a 120 s stall nothing times out) stays far beyond the sum.
 */

/** The client settings the fault suites use: small, so the suites stay fast. */
export interface Tuning {
  /** Per-attempt deadline (the client's `timeoutMs`); it also bounds each token request. */
  timeoutMs: number;
  /** Total attempts per call (the client's `retry.attempts`). */
  attempts: number;
  baseDelayMs: number;
  /** Cap on one backoff; also the longest Retry-After the retry layer waits for. */
  maxDelayMs: number;
  /** The client's `maxResponseBytes`. */
  maxResponseBytes: number;
}

export const TUNING: Tuning = {
  // The matrix runs its clients, simulators and proxy in one process, several rows at a time: a shorter
  // deadline let event-loop stalls turn a reset into a timeout.
  timeoutMs: 800,
  attempts: 3,
  baseDelayMs: 20,
  maxDelayMs: 1_000,
  maxResponseBytes: 1024 * 1024,
};

/** The soak's clients have a process of their own, so a shorter deadline keeps 2,400 calls quick. */
export const SOAK_TUNING: Tuning = { ...TUNING, timeoutMs: 500 };

/** The middleware's documented floor between two token exchanges (refresh-exchange.ts: minIntervalMs). */
export const TOKEN_FLOOR_MS = 1_000;

/** What one attempt of a call may do below the retry layer, per broker and call. */
export interface AttemptShape {
  /**
   * Requests one attempt may send, each bounded by the deadline: the call, the auth layer's replay
   * after a 401, and for Saxo the sticky probes in front of each (probes wait for one another across
   * services) and the sticky replay after a lost session.
   */
  requests: number;
  /** Token exchanges one attempt may wait for, each after the floor (the first, and one after a 401). */
  tokenExchanges: number;
}

/**
 * One logical request with its retries: every attempt and every backoff at its cap. Each attempt may
 * also wait at the throttle behind a pause the broker imposed, for at most the deadline (the client's
 * `maxPauseWaitMs` is its `timeoutMs`); waits for the client's own budget are the caller's to add.
 */
export function requestBoundMs(tuning: Tuning, shape: AttemptShape): number {
  const tokensMs = shape.tokenExchanges * (TOKEN_FLOOR_MS + tuning.timeoutMs);
  const attemptMs = tuning.timeoutMs + shape.requests * tuning.timeoutMs + tokensMs;
  return tuning.attempts * attemptMs + (tuning.attempts - 1) * tuning.maxDelayMs;
}

/**
 * Timers on the worst path of one logical request, each of which may fire late by the event loop's
 * delay: the deadline of every request and token exchange, the floor before each exchange, every
 * backoff, and every throttle admission.
 */
export function requestTimers(tuning: Tuning, shape: AttemptShape): number {
  const perAttempt = shape.requests + 2 * shape.tokenExchanges + 1;
  return tuning.attempts * perAttempt + (tuning.attempts - 1);
}

/** A call's bound before the event-loop margin, and how many timers that margin has to cover. */
export interface CallBound {
  boundMs: number;
  timers: number;
}
