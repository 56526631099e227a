/**
 * Retries with exponential backoff and jitter, honouring Retry-After. Only calls that are safe to
 * repeat are replayed: GET/HEAD/OPTIONS, operations the manifest marks `safe`, or any method carrying an
 * idempotency key. A state-changing
 * call without a key that may have reached the server is never sent twice: it rejects with
 * AmbiguousOutcomeError instead.
 */
import { AmbiguousOutcomeError, BrokerkitError, ConfigError, NetworkError, TimeoutError } from "./errors.js";
import { hasBody } from "./light-request.js";
import { classifyNetworkFailure, describeFailure, type NetworkFailure } from "./network-error.js";
import { notify } from "./notify.js";
import { parseRateLimitHeaders } from "./rate-limit-headers.js";
import { redactUrl } from "./redact.js";
import { sleep } from "./sleep.js";
import type { CallContext, Handler, Layer, Observer } from "./types.js";

export interface RetryOptions {
  /** Total attempts, the first included. Default 3. */
  attempts?: number;
  /** Backoff before the second attempt; doubles each time. Default 200 ms. */
  baseDelayMs?: number;
  /** Ceiling of any backoff; a Retry-After longer than this is not waited for. Default 5000 ms. */
  maxDelayMs?: number;
  /** `equal` (default): half the backoff plus a random half. `full`: a random share of all of it. */
  jitter?: "equal" | "full";
  observer?: Observer;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Why an attempt failed, in the terms the retry decision needs. */
type Failure = { kind: "network"; failure: NetworkFailure; error: unknown } | { kind: "timeout"; error: TimeoutError };

export function retry(options: RetryOptions = {}): Layer {
  const attempts = wholeNumber(options.attempts, 3, "attempts", 1);
  const baseDelayMs = wholeNumber(options.baseDelayMs, 200, "baseDelayMs", 0);
  const maxDelayMs = wholeNumber(options.maxDelayMs, 5000, "maxDelayMs", 0);
  const jitter = options.jitter ?? "equal";
  const random = options.random ?? Math.random;
  const observer = options.observer;

  function backoff(failedAttempt: number): number {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempt - 1));
    return Math.round(jitter === "full" ? random() * ceiling : ceiling / 2 + (random() * ceiling) / 2);
  }

  return (next: Handler): Handler => {
    /** The attempts of one call; `first`, when given, is the first attempt already sent. */
    const attemptAll = async (request: Request, context: CallContext, first?: Promise<Response>): Promise<Response> => {
      const method = request.method.toUpperCase();
      const key = context.idempotencyKey;
      // A key the broker rejects on reuse makes a replay fail even when the first attempt took effect.
      const keyRejectsReuse = key !== undefined && context.idempotencyKeyReuse === "rejected";
      // An operation the manifest marks `safe` (a POST that only reads) repeats like a GET.
      const safe = SAFE_METHODS.has(method) || context.operation?.flags?.safe === true;
      const repeatable = safe || (key !== undefined && !keyRejectsReuse);
      const caller = request.signal;
      // A bodiless Request can be sent again as is; one with a body is cloned per attempt (bodies read once).
      const reusable = !hasBody(request);
      let mayHaveArrived = false;

      for (let attempt = 1; ; attempt++) {
        context.attempt = attempt;
        const last = attempt >= attempts;
        const sent = first;
        first = undefined;
        let delayMs: number;
        let reason: string;
        try {
          const response = await (sent ?? next(reusable || last ? request : request.clone(), context));
          // A 429 proves the call was not processed, so even a key the broker rejects on reuse may be replayed.
          const replayable = repeatable || (keyRejectsReuse && response.status === 429);
          if (last || !replayable || !RETRYABLE_STATUSES.has(response.status)) return response;
          const serverDelay = serverAskedDelay(response);
          // A server asking for longer than we may wait: let the caller see its answer now.
          if (serverDelay !== undefined && serverDelay > maxDelayMs) return response;
          delayMs = serverDelay ?? backoff(attempt);
          reason = `status ${response.status}`;
          void response.body?.cancel().catch(() => {});
        } catch (error) {
          if (caller.aborted) throw caller.reason;
          const failure = classify(error);
          if (!failure) {
            // A later attempt refused before sending (throttle, auth) does not settle an earlier one
            // that may have reached the broker.
            if (mayHaveArrived && !SAFE_METHODS.has(method)) {
              const what = `${method} ${redactUrl(request.url)}: ${error instanceof Error ? error.message : String(error)}`;
              throw ambiguousError(what, attempt, method, request, key, error);
            }
            throw error;
          }
          // A safe operation that arrived changed nothing: its outcome is never ambiguous.
          if (!safe && (failure.kind === "timeout" || failure.failure.delivery === "maybe-sent")) mayHaveArrived = true;
          const replayable =
            failure.kind === "network" && failure.failure.delivery === "not-sent"
              ? failure.failure.retryable
              : repeatable;
          if (!replayable || last) throw finalError(failure, request, method, key, attempt, mayHaveArrived);
          delayMs = backoff(attempt);
          reason = failure.kind === "timeout" ? "timeout" : `network ${failure.failure.code ?? "error"}`;
        }
        notify(observer, { type: "retry", attempt: attempt + 1, delayMs, reason, method, url: redactUrl(request.url) });
        await sleep(delayMs, caller);
      }
    };
    // The first attempt is sent here: an answer with a status that is never retried (nearly all of them)
    // goes back without the async frame of the loop above.
    return (request, context) => {
      context.attempt = 1;
      let first: Promise<Response>;
      try {
        first = next(attempts <= 1 || !hasBody(request) ? request : request.clone(), context);
      } catch (error) {
        first = Promise.reject(error);
      }
      return first.then(
        (response) => (RETRYABLE_STATUSES.has(response.status) ? attemptAll(request, context, first) : response),
        () => attemptAll(request, context, first),
      );
    };
  };
}

function classify(error: unknown): Failure | undefined {
  if (error instanceof TimeoutError) return { kind: "timeout", error };
  // Typed errors of other layers (auth, config) are final; an untyped network failure is not.
  if (error instanceof BrokerkitError && !(error instanceof NetworkError)) return undefined;
  // A NetworkError whose cause names no system error (e.g. a body that ended early) may still have arrived.
  const failure =
    error instanceof NetworkError
      ? (classifyNetworkFailure(error.cause) ?? {
          code: undefined,
          cause: error,
          delivery: "maybe-sent",
          retryable: true,
        })
      : classifyNetworkFailure(error);
  if (!failure) return undefined;
  // Keep the system error (it has the code) as the cause, not fetch's generic "fetch failed" wrapper.
  return { kind: "network", failure, error: error instanceof NetworkError ? error : failure.cause };
}

/** The error for a failure that will not be retried, redacted and naming method and URL. */
function finalError(
  failure: Failure,
  request: Request,
  method: string,
  key: string | undefined,
  attempt: number,
  mayHaveArrived: boolean,
): Error {
  const target = `${method} ${redactUrl(request.url)}`;
  const what = failure.kind === "timeout" ? failure.error.message : `${target}: ${describeFailure(failure.failure)}`;
  const tries = attempt === 1 ? "" : ` (attempt ${attempt})`;
  if (mayHaveArrived && !SAFE_METHODS.has(method)) {
    return ambiguousError(what, attempt, method, request, key, failure.error);
  }
  if (failure.kind === "timeout") return failure.error;
  if (failure.error instanceof NetworkError) return failure.error;
  return new NetworkError(`${what}${tries}`, { method, url: request.url, cause: failure.error });
}

/** A call an earlier attempt of which may have reached the broker, and that will not be sent again. */
function ambiguousError(
  what: string,
  attempt: number,
  method: string,
  request: Request,
  key: string | undefined,
  cause: unknown,
): AmbiguousOutcomeError {
  const tries = attempt === 1 ? "" : ` (attempt ${attempt})`;
  const advice =
    key === undefined
      ? "It was not sent again because it carries no idempotency key. Check the broker's state (e.g. list recent orders) before retrying."
      : `Reconcile with the broker using idempotency key ${key} before sending it again.`;
  return new AmbiguousOutcomeError(`${what}${tries}; the outcome is unknown. ${advice}`, {
    method,
    url: request.url,
    cause,
    ...(key === undefined ? {} : { idempotencyKey: key }),
  });
}

/** Retry-After, or the reset of an exhausted rate limit, in milliseconds; undefined when the server did not say. */
function serverAskedDelay(response: Response): number | undefined {
  const info = parseRateLimitHeaders(response.headers);
  if (info.retryAfterMs !== undefined) return info.retryAfterMs;
  if (response.status === 429 && info.remaining !== undefined && info.remaining <= 0 && info.resetAt !== undefined) {
    return Math.max(0, info.resetAt - Date.now());
  }
  return undefined;
}

function wholeNumber(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`retry: ${name} must be a finite number ≥ ${min}, got ${String(value)}`);
  }
  return Math.floor(value);
}
