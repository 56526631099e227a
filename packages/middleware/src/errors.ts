/**
 * A flat error tree keyed by what went wrong. Every message, `toString()` and `toJSON()` is
 * redacted: URLs lose secret query parameters and registered secrets are masked.
 */
import { redactText, redactUrl, redactValue } from "./redact.js";

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** Epoch milliseconds at which the window resets, when the server said so. */
  resetAt?: number;
  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
}

export interface ErrorDetails {
  method?: string;
  url?: string;
  cause?: unknown;
}

export class BrokerkitError extends Error {
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(redactText(message), details.cause === undefined ? undefined : { cause: scrubCause(details.cause) });
    this.name = new.target.name;
    this.method = details.method;
    this.url = details.url === undefined ? undefined : redactUrl(details.url);
  }

  override toString(): string {
    return `${this.name}: ${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== "cause" && value !== undefined) json[key] = redactValue(value);
    }
    return json;
  }
}

export interface HttpErrorDetails extends ErrorDetails {
  status: number;
  body?: unknown;
  requestId?: string;
  rateLimit?: RateLimitInfo;
}

/** The server answered with a non-success status. */
export class HttpError extends BrokerkitError {
  readonly status: number;
  readonly body: unknown;
  readonly requestId: string | undefined;
  readonly rateLimit: RateLimitInfo | undefined;

  constructor(message: string, details: HttpErrorDetails) {
    super(message, details);
    this.status = details.status;
    this.body = redactValue(details.body);
    this.requestId = details.requestId;
    this.rateLimit = details.rateLimit;
  }
}

/** 429, or a throttle that could not admit the call. */
export class RateLimitError extends HttpError {
  /** Epoch ms at which the limit is expected to reopen, when known. */
  readonly reopensAt: number | undefined;
  constructor(message: string, details: HttpErrorDetails & { reopensAt?: number }) {
    super(message, details);
    this.reopensAt = details.reopensAt;
  }
}

/** Credentials are missing, were rejected, or could not be refreshed. */
export class AuthError extends BrokerkitError {
  readonly status: number | undefined;
  constructor(message: string, details: ErrorDetails & { status?: number } = {}) {
    super(message, details);
    this.status = details.status;
  }
}

/** An attempt exceeded its deadline. */
export class TimeoutError extends BrokerkitError {
  readonly timeoutMs: number;
  constructor(message: string, details: ErrorDetails & { timeoutMs: number }) {
    super(message, details);
    this.timeoutMs = details.timeoutMs;
  }
}

/** The request could not be delivered or the connection failed. */
export class NetworkError extends BrokerkitError {}

/**
 * A state-changing request may or may not have taken effect. Reconcile with the broker using
 * the idempotency key before sending it again.
 */
export class AmbiguousOutcomeError extends BrokerkitError {
  readonly idempotencyKey: string | undefined;
  constructor(message: string, details: ErrorDetails & { idempotencyKey?: string }) {
    super(message, details);
    this.idempotencyKey = details.idempotencyKey;
  }
}

/** The server answered 2xx but the body could not be parsed as declared. */
export class MalformedResponseError extends BrokerkitError {
  readonly status: number | undefined;
  constructor(message: string, details: ErrorDetails & { status?: number } = {}) {
    super(message, details);
    this.status = details.status;
  }
}

/** The response body was larger than the client's `maxResponseBytes`; the rest of it was not read. */
export class ResponseTooLargeError extends BrokerkitError {
  readonly limitBytes: number;
  readonly status: number;
  /** The spec operation, e.g. `GET /md/v2/Securities`, when the stack knows it. */
  readonly operation: string | undefined;
  constructor(message: string, details: ErrorDetails & { limitBytes: number; status: number; operation?: string }) {
    super(message, details);
    this.limitBytes = details.limitBytes;
    this.status = details.status;
    this.operation = details.operation;
  }
}

/** Client configuration is invalid (unknown environment, missing credential, bad option). */
export class ConfigError extends BrokerkitError {}

/** Causes come from fetch internals and may quote URLs; keep only a redacted name and message. */
function scrubCause(cause: unknown): unknown {
  if (cause instanceof BrokerkitError) return cause;
  if (cause instanceof Error) {
    const scrubbed = new Error(redactText(cause.message));
    scrubbed.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (code !== undefined) Object.assign(scrubbed, { code });
    return scrubbed;
  }
  return typeof cause === "string" ? redactText(cause) : undefined;
}
