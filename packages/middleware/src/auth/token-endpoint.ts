/**
 * One POST to a token endpoint with the provider's own fetch (never the middleware stack),
 * turning every failure into an AuthError whose message names the provider and the redacted
 * URL, and never the refresh token, client secret or access token.
 */
import { AuthError } from "../errors.js";
import { redactText, redactUrl } from "../redact.js";
import type { FetchLike } from "../types.js";

export interface TokenEndpointRequest {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  fetch: FetchLike;
  timeoutMs: number;
}

export type TokenAnswer = Record<string, unknown>;

export async function postToTokenEndpoint(request: TokenEndpointRequest): Promise<TokenAnswer> {
  const where = `${request.provider}: token request POST ${redactUrl(request.url)}`;
  let response: Response;
  try {
    const init: RequestInit = {
      method: "POST",
      headers: request.headers,
      signal: AbortSignal.timeout(request.timeoutMs),
    };
    if (request.body !== undefined) init.body = request.body;
    response = await request.fetch(new Request(request.url, init));
  } catch (cause) {
    throw new AuthError(`${where} failed: ${describeFailure(cause)}`, { method: "POST", url: request.url, cause });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    throw new AuthError(`${where} answered ${response.status}${serverReason(text)}`, {
      method: "POST",
      url: request.url,
      status: response.status,
    });
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!answer || typeof answer !== "object" || Array.isArray(answer)) {
    throw new AuthError(`${where} answered ${response.status} with a body that is not a JSON object`, {
      method: "POST",
      url: request.url,
      status: response.status,
    });
  }
  return answer as TokenAnswer;
}

/** The named field as a non-empty string, or an AuthError naming the field and the URL. */
export function requireStringField(answer: TokenAnswer, field: string, provider: string, url: string): string {
  const value = answer[field];
  if (typeof value === "string" && value.length > 0) return value;
  throw new AuthError(
    `${provider}: token answer from ${redactUrl(url)} has no non-empty string field "${field}" (got ${describeType(value)})`,
    { method: "POST", url },
  );
}

/** An optional numeric field (numbers or numeric strings), or an AuthError naming it. */
export function optionalNumberField(answer: TokenAnswer, field: string, provider: string, url: string) {
  const value = answer[field];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number === "number" && Number.isFinite(number) && number >= 0) return number;
  throw new AuthError(
    `${provider}: token answer from ${redactUrl(url)} has an invalid "${field}" (expected seconds, got ${describeType(value)})`,
    { method: "POST", url },
  );
}

function describeType(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return typeof value === "string" ? "an empty string" : typeof value;
}

/** fetch's own message is "fetch failed"; the useful part (ECONNREFUSED, timeout) is in its cause. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  if (error.name === "TimeoutError") return "timed out";
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return redactText(`${error.message}${inner}`);
}

/** OAuth-style `error` / `error_description` (or `message`), short and redacted, if the body has them. */
function serverReason(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "";
  }
  if (!body || typeof body !== "object") return "";
  const fields = body as Record<string, unknown>;
  const parts = [fields.error, fields.error_description, fields.message].filter(
    (part): part is string => typeof part === "string",
  );
  return parts.length ? ` (${redactText(parts.join(": ").slice(0, 200))})` : "";
}
