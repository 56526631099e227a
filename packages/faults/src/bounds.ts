/**
 * How long a call may take before it counts as hung, computed from the client's own settings: every
 * attempt may use its whole deadline, every backoff its whole cap, and the token exchange in front of
 * it two deadlines and the exchange floor. A slack absorbs a loaded 2-core machine; a real hang (a
 * 60 s throttle pause, a 30 s token deadline, a stall nothing times out) is far beyond it.
 */

/** The client settings the fault suites use: small, so the suites stay fast. */
export interface Tuning {
  /** Per-attempt deadline (the client's `timeoutMs`). */
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

/** The soak's clients have a process of their own, so a shorter deadline keeps 2,000 calls quick. */
export const SOAK_TUNING: Tuning = { ...TUNING, timeoutMs: 500 };

/** The middleware's documented floor between two token exchanges. */
export const TOKEN_FLOOR_MS = 1_000;
/** Scheduling noise on a shared 2-core machine. */
export const SLACK_MS = 3_000;

/** One logical request with its retries: `sends` requests per attempt (Saxo: probe and call, and their replay). */
export function requestBoundMs(tuning: Tuning, sends: number): number {
  return tuning.attempts * sends * tuning.timeoutMs + (tuning.attempts - 1) * tuning.maxDelayMs;
}

/** A token exchange in front of a call, and one more after a 401 (after the floor). */
export function tokenBoundMs(tuning: Tuning): number {
  return 2 * tuning.timeoutMs + TOKEN_FLOOR_MS;
}

/** The stated bound of a call: its requests, its token exchange, what the scenario adds, and the slack. */
export function callBoundMs(tuning: Tuning, requestsMs: number, extraMs = 0): number {
  return tokenBoundMs(tuning) + requestsMs + extraMs + SLACK_MS;
}
