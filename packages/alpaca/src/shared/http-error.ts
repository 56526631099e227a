/**
 * Hand-written (not generated). Turns a non-2xx answer into the middleware's typed errors, so the helpers
 * of this package throw one kind of error per cause: HttpError (RateLimitError for 429) naming the call,
 * the status and Alpaca's `{ code, message }`, with the X-RateLimit-* state and the request id.
 */
import { HttpError, RateLimitError, type RateLimitInfo } from "@brokerkit/middleware";

/** `call` names what was attempted, e.g. `GET /v2/orders:by_client_order_id`. */
export function httpErrorOf(call: string, response: Response, body: unknown): HttpError {
  const detail = alpacaMessage(body);
  const message = `${call}: HTTP ${response.status}${detail ? ` ${detail}` : ""}`;
  const rateLimit = rateLimitOf(response.headers);
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const details = {
    method: call.split(" ", 1)[0],
    url: response.url,
    status: response.status,
    body,
    ...(requestId ? { requestId } : {}),
    ...(rateLimit ? { rateLimit } : {}),
  };
  return response.status === 429 ? new RateLimitError(message, details) : new HttpError(message, details);
}

/** Alpaca's error body is `{ code, message }`; anything else is left out of the message. */
function alpacaMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim() ? body.trim().slice(0, 200) : undefined;
  if (!body || typeof body !== "object") return undefined;
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (typeof message !== "string") return undefined;
  return typeof code === "number" || typeof code === "string" ? `${message} (code ${code})` : message;
}

/** X-RateLimit-Limit / -Remaining / -Reset (Unix seconds) as the middleware's RateLimitInfo. */
function rateLimitOf(headers: Headers): RateLimitInfo | undefined {
  const number = (name: string) => {
    const value = headers.get(name);
    return value !== null && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : undefined;
  };
  const limit = number("x-ratelimit-limit");
  const remaining = number("x-ratelimit-remaining");
  const reset = number("x-ratelimit-reset");
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(reset === undefined ? {} : { resetAt: reset * 1000 }),
  };
}
