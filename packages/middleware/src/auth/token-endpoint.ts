/**
 * One POST to a token endpoint with the provider's own fetch (never the middleware stack),
 * turning every failure into an AuthError whose message names the provider and the redacted
 * URL, and never the refresh token, client secret or access token.
 */
import { AuthError } from "../errors.js";
import { redactText, redactUrl } from "../redact.js";
import type { FetchLike } from "../types.js";
import { abortable } from "./abortable.js";

export interface TokenEndpointRequest {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  fetch: FetchLike;
  timeoutMs: number;
}

export type TokenAnswer = Record<string, unknown>;

/** Same-origin redirects a token request follows at most; a token endpoint has no reason to bounce further. */
const MAX_TOKEN_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The exchange, bounded end to end by `timeoutMs` (headers and body), with its own timer: the
 * deadline must fire even when nothing else holds a reference to the request. Redirects are followed
 * by hand and only within the token URL's origin (same method and body), so the refresh token, the
 * client secret and the form never reach another host.
 */
export async function postToTokenEndpoint(request: TokenEndpointRequest): Promise<TokenAnswer> {
  const where = `${request.provider}: token request POST ${redactUrl(request.url)}`;
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new AuthError(`${where} timed out after ${request.timeoutMs} ms`, { method: "POST", url: request.url }),
      ),
    request.timeoutMs,
  );
  try {
    const response = await sendFollowingSameOrigin(request, where, controller.signal);
    const text = await abortable(response.text(), controller.signal).catch((cause: unknown) => {
      throw failure(where, request.url, controller.signal, cause, "while reading the answer");
    });
    return parseAnswer(response, text, where, request.url);
  } finally {
    clearTimeout(timer);
  }
}

async function sendFollowingSameOrigin(request: TokenEndpointRequest, where: string, signal: AbortSignal) {
  const origin = new URL(request.url).origin;
  let url = request.url;
  for (let hop = 0; ; hop++) {
    const init: RequestInit = { method: "POST", headers: request.headers, redirect: "manual", signal };
    if (request.body !== undefined) init.body = request.body;
    let response: Response;
    try {
      // The deadline also races the fetch itself: undici can lose a Request's abort signal to garbage
      // collection, and a custom fetch may ignore it; the exchange must settle either way.
      // Called unbound: browsers and workerd reject a fetch called as a method of another object.
      const { fetch } = request;
      response = await abortable(fetch(new Request(url, init), { signal }), signal);
    } catch (cause) {
      throw failure(where, request.url, signal, cause, "");
    }
    // A browser hides a manual redirect's target (an opaque redirect, status 0): refuse it too.
    if (response.type === "opaqueredirect") {
      throw new AuthError(
        `${where} was redirected to a location the runtime does not reveal; token requests never follow redirects there`,
        {
          method: "POST",
          url: request.url,
        },
      );
    }
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
    if (location === null) return response;
    await response.body?.cancel().catch(() => {});
    let target: URL | undefined;
    try {
      target = new URL(location, url);
    } catch {
      target = undefined;
    }
    if (!target || target.origin !== origin) {
      const shown = target ? redactUrl(target.toString()) : "an invalid Location";
      throw new AuthError(
        `${where} was redirected (${response.status}) to ${shown}, outside ${origin}; token requests never leave their origin, so the credentials were not sent there`,
        { method: "POST", url: request.url, status: response.status },
      );
    }
    if (hop >= MAX_TOKEN_REDIRECTS) {
      throw new AuthError(`${where} was redirected more than ${MAX_TOKEN_REDIRECTS} times`, {
        method: "POST",
        url: request.url,
        status: response.status,
      });
    }
    url = target.toString();
  }
}

/** The AuthError for a failed send or read: the deadline's own error when it fired, else the cause described. */
function failure(where: string, url: string, signal: AbortSignal, cause: unknown, phase: string): AuthError {
  if (signal.aborted && signal.reason instanceof AuthError) return signal.reason;
  const during = phase ? ` ${phase}` : "";
  return new AuthError(`${where} failed${during}: ${describeFailure(cause)}`, { method: "POST", url, cause });
}

function parseAnswer(response: Response, text: string, where: string, url: string): TokenAnswer {
  if (!response.ok) {
    throw new AuthError(`${where} answered ${response.status}${serverReason(text)}`, {
      method: "POST",
      url,
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
      url,
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
  // Redact first, then shorten: a cut could leave a piece of a secret that no longer matches it whole.
  return parts.length ? ` (${redactText(parts.join(": ")).slice(0, 200)})` : "";
}
