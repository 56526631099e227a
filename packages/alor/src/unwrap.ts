/**
 * Hand-written (not generated): turns an openapi-fetch result into its data, or throws the typed
 * error of @brokerkit/middleware, so a call reads `const quotes = await unwrap(client.GET(…))`.
 */
import { AuthError, type CallResult, errorReason, HttpError, RateLimitError, redactUrl } from "@brokerkit/middleware";

export type { CallResult };

/**
 * The data of a successful call. A non-2xx answer throws: 401 (the JWT was refused even after one
 * refresh) → AuthError; 429 (still over ALOR's limit after the retries) → RateLimitError; any other
 * → HttpError with `status` and the parsed `body`. Messages quote ALOR's own `message` when it has one.
 *
 * A repeated X-REQID (our own retry after a lost response) may be answered 400 "already handled" with
 * the first request's outcome in `oldResponse`; when that outcome was a success, it is the data.
 */
export async function unwrap<Data>(call: Promise<CallResult<Data>> | CallResult<Data>): Promise<Data> {
  const { data, error, response } = await call;
  if (response.ok) return data as Data;
  const earlier = earlierSuccess(response.status, error);
  if (earlier) return earlier.body as Data;
  const where = `ALOR answered ${response.status} to ${describeRequest(response)}`;
  const reason = errorReason(error, ALOR_REASON_FIELDS);
  const message = reason ? `${where}: ${reason}` : where;
  const details = { url: response.url, status: response.status, body: error };
  if (response.status === 401) throw new AuthError(message, { url: response.url, status: 401 });
  if (response.status === 429) throw new RateLimitError(message, details);
  throw new HttpError(message, details);
}

/** `{ oldResponse: { statusCode: 2xx, body } }` of a 400 answer to a repeated X-REQID. */
function earlierSuccess(status: number, error: unknown): { body: unknown } | undefined {
  if (status !== 400 || !error || typeof error !== "object") return undefined;
  const old = (error as { oldResponse?: unknown }).oldResponse;
  if (!old || typeof old !== "object") return undefined;
  const { statusCode, body } = old as { statusCode?: unknown; body?: unknown };
  return typeof statusCode === "number" && statusCode >= 200 && statusCode < 300 ? { body } : undefined;
}

function describeRequest(response: Response): string {
  return response.url ? redactUrl(response.url) : "the request";
}

/** ALOR's error bodies carry `message` (commands, market data) or `detail`/`title` (order groups). */
const ALOR_REASON_FIELDS = ["message", "detail", "title", "code"];
