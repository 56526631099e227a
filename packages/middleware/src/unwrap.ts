/**
 * From an openapi-fetch result to its data or a typed error: `unwrap(client.GET(…))` returns `data` or
 * throws, and `throwOnError: true` does the same for every call of a client. One mapping for all
 * brokers: 401 → AuthError, 429 → RateLimitError, any other non-2xx → HttpError (status, parsed body,
 * request id, rate-limit headers). Messages quote the broker's own reason when its body has one.
 */
import { AuthError, HttpError, type HttpErrorDetails, RateLimitError } from "./errors.js";
import { parseRateLimitHeaders } from "./rate-limit-headers.js";
import { redactText, redactUrl } from "./redact.js";

/** What every call of a client resolves to (openapi-fetch's FetchResponse, loosely). */
export interface CallResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The data of a successful call; a non-2xx answer throws the typed error (see `errorFromResponse`). */
export async function unwrap<Data>(call: Promise<CallResult<Data>> | CallResult<Data>): Promise<Data> {
  const { data, error, response } = await call;
  if (response.ok) return data as Data;
  throw errorFromResponse(response, error);
}

/**
 * The typed error of a non-2xx answer. `call` names the request (`GET /v2/orders/{order_id}`); without it
 * the message names the redacted URL. `body` is the parsed error body (openapi-fetch's `error`).
 */
export function errorFromResponse(response: Response, body: unknown, call?: string): HttpError | AuthError {
  const where = call ?? (response.url ? redactUrl(response.url) : "the request");
  const reason = errorReason(body);
  const message = `${where}: HTTP ${response.status}${reason ? ` ${reason}` : ""}`;
  const method = call?.split(" ", 1)[0];
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const rateLimit = parseRateLimitHeaders(response.headers);
  const details: HttpErrorDetails = {
    status: response.status,
    body,
    ...(method ? { method } : {}),
    ...(response.url ? { url: response.url } : {}),
    ...(requestId ? { requestId } : {}),
    ...(Object.keys(rateLimit).length ? { rateLimit } : {}),
  };
  if (response.status === 401) return new AuthError(message, { ...details, status: 401 });
  if (response.status === 429) {
    const reopensAt = rateLimit.retryAfterMs === undefined ? rateLimit.resetAt : Date.now() + rateLimit.retryAfterMs;
    return new RateLimitError(message, { ...details, ...(reopensAt === undefined ? {} : { reopensAt }) });
  }
  return new HttpError(message, details);
}

/** Where brokers put their reason: `message` (ALOR, Alpaca), `Message` (Saxo), or `detail`/`title` (RFC 9457). */
const REASON_FIELDS = ["message", "Message", "detail", "title", "ErrorCode", "code"] as const;

/**
 * The reason an error body gives, redacted and at most 300 characters: the body itself when it is text,
 * else the first of `fields` that holds text (by default the fields the brokers use).
 */
export function errorReason(body: unknown, fields: readonly string[] = REASON_FIELDS): string | undefined {
  if (typeof body === "string") return quote(body.trim());
  if (!body || typeof body !== "object") return undefined;
  const record = body as Record<string, unknown>;
  for (const name of fields) {
    const value = record[name];
    if (typeof value === "string" && value) return quote(value);
  }
  return undefined;
}

/** Redacted first, then shortened: a cut through an echoed token would hide it from the redaction. */
function quote(text: string): string | undefined {
  return redactText(text).slice(0, 300) || undefined;
}
