/**
 * What a failed fetch tells us about delivery. fetch rejects with `TypeError("fetch failed")` and
 * puts the system error (with its `code`) in `cause`, sometimes nested or inside an AggregateError.
 */

/** `not-sent`: the request never left (safe to send again, any method). `maybe-sent`: it may have been received. */
export type Delivery = "not-sent" | "maybe-sent";

export interface NetworkFailure {
  code: string | undefined;
  /** The system error that carries `code` (what a NetworkError keeps as its cause), else the error itself. */
  cause: unknown;
  delivery: Delivery;
  /** False for failures that another attempt cannot fix (e.g. an invalid TLS certificate). */
  retryable: boolean;
}

/** Failures before any byte of the request was written: no connection was ever made. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  // Bun's names for the same failures.
  "ConnectionRefused",
  "FailedToOpenSocket",
]);

/**
 * The TypeError messages with which fetch reports a network failure where no system code is given:
 * Node/undici, Chromium, Firefox, Safari, Deno, workerd. Browsers do not say whether the request left.
 */
const FETCH_FAILURE_MESSAGES =
  /^(?:fetch failed|Failed to fetch|NetworkError when attempting to fetch resource\.|Load failed|error sending request|Network connection lost)/;

/** TLS handshake failures: nothing was sent, and sending again would fail the same way. */
const NOT_SENT_PERMANENT =
  /^(?:ERR_TLS_CERT_ALTNAME_INVALID|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/;

/** The first error carrying a `code` along the cause chain (for an AggregateError: itself, else its first member). */
export function erroredCause(error: unknown): { code: string; error: unknown } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return { code, error: current };
    const members = (current as { errors?: unknown }).errors;
    if (Array.isArray(members) && members.length > 0) {
      const member = erroredCause(members[0]);
      if (member !== undefined) return member;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function errorCode(error: unknown): string | undefined {
  return erroredCause(error)?.code;
}

/**
 * Classifies a rejection of the inner handler as a network failure, or returns undefined when it is
 * something else (a programming error, another layer's typed error) that must pass through untouched.
 */
export function classifyNetworkFailure(error: unknown): NetworkFailure | undefined {
  const carrier = erroredCause(error);
  const code = carrier?.code;
  const cause = carrier?.error ?? error;
  const isFetchFailure = error instanceof TypeError && FETCH_FAILURE_MESSAGES.test(error.message);
  if (!isFetchFailure && code === undefined) return undefined;
  if (!isFetchFailure && !looksLikeSystemCode(code)) return undefined;
  if (code !== undefined && NOT_SENT.has(code)) return { code, cause, delivery: "not-sent", retryable: true };
  if (code !== undefined && NOT_SENT_PERMANENT.test(code))
    return { code, cause, delivery: "not-sent", retryable: false };
  // Anything else (ECONNRESET, EPIPE, UND_ERR_SOCKET "other side closed", unknown): assume it may have arrived.
  return { code, cause, delivery: "maybe-sent", retryable: true };
}

const BUN_CODES = new Set(["ConnectionRefused", "FailedToOpenSocket", "ConnectionClosed", "ECONNRESET"]);

function looksLikeSystemCode(code: string | undefined): boolean {
  return code !== undefined && (/^(?:E[A-Z0-9_]+|UND_ERR_[A-Z_]+)$/.test(code) || BUN_CODES.has(code));
}

/** Human description of a failure, for error messages. Never includes the request. */
export function describeFailure(failure: NetworkFailure): string {
  const code = failure.code ? ` (${failure.code})` : "";
  return failure.delivery === "not-sent"
    ? `could not connect${code}; the request was not sent`
    : `the connection failed${code} after the request may have been sent`;
}
