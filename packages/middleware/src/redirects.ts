/**
 * Redirects, followed by hand. Left to itself, fetch follows them and keeps custom credential
 * headers (APCA-API-*, Cookie) even when the target is another origin. Here:
 * - same-origin redirects are followed with every header intact;
 * - cross-origin redirects are followed only after every credential header is removed
 *   (Authorization, Cookie, any header `isSecretHeader` flags, and `credentialHeaders`), and they
 *   stay removed for the rest of the chain; with `crossOrigin: "refuse"` they throw instead;
 * - 303 (and 301/302 after POST) continue as GET without a body; 307/308 keep method and body;
 * - at most `max` hops;
 * - requests the middleware makes on its own (`context.sameOriginRedirects`) never leave the origin.
 */
import { toAbortSignal } from "./attempt-signal.js";
import { transportOf } from "./compose.js";
import { BrokerkitError } from "./errors.js";
import { copyRequest, hasBody } from "./light-request.js";
import { isSecretHeader, redactUrl } from "./redact.js";
import type { CallContext, Layer } from "./types.js";

export interface RedirectOptions {
  /** Most redirects followed per call. Default 10. */
  max?: number;
  /** What to do when a redirect leaves the origin. Default `strip`. */
  crossOrigin?: "strip" | "refuse";
  /** More credential header names, e.g. a provider's `headerNames`. */
  credentialHeaders?: readonly string[];
}

export class RedirectError extends BrokerkitError {
  readonly status: number;
  constructor(message: string, details: { status: number; method: string; url: string }) {
    super(message, details);
    this.status = details.status;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MANUAL: RequestInit = { redirect: "manual" };
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

export function redirects(options: RedirectOptions = {}): Layer {
  const max = options.max ?? 10;
  const extra = new Set((options.credentialHeaders ?? []).map((name) => name.toLowerCase()));
  const isCredential = (name: string) => isSecretHeader(name) || extra.has(name.toLowerCase());

  return (next) => {
    // Right above the fetch adapter, `redirect: "manual"` travels as a fetch option: fetch copies the
    // request anyway, so a copy here only to change its redirect mode would be wasted.
    const transport = transportOf(next);
    const send = transport
      ? (request: Request, context: CallContext) => transport(request, context, MANUAL)
      : (request: Request, context: CallContext) =>
          next(request.redirect === "manual" ? request : copyRequest(request, { redirect: "manual" }), context);
    const locationOf = (response: Response) =>
      REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;

    /** Follows the redirect `response` answered, and the ones after it. */
    const follow = async (
      request: Request,
      spare: Request | undefined,
      first: Response,
      context: CallContext,
    ): Promise<Response> => {
      let body: ArrayBuffer | null = null;
      let current = request;
      let response = first;
      for (let hop = 0; ; hop++) {
        const location = locationOf(response);
        if (location === null) return response;
        await response.body?.cancel();
        const from = new URL(current.url);
        const details = { status: response.status, method: current.method, url: current.url };
        if (hop >= max)
          throw new RedirectError(`redirects: more than ${max} redirects from ${redactUrl(request.url)}`, details);
        let target: URL;
        try {
          target = new URL(location, from);
        } catch {
          throw new RedirectError(
            `redirects: ${response.status} from ${redactUrl(current.url)} has an invalid Location`,
            details,
          );
        }
        if (target.protocol !== "http:" && target.protocol !== "https:") {
          throw new RedirectError(
            `redirects: ${response.status} from ${redactUrl(current.url)} to a non-HTTP URL`,
            details,
          );
        }
        const headers = new Headers(current.headers);
        if (target.origin !== from.origin) {
          if (options.crossOrigin === "refuse" || context.sameOriginRedirects) {
            throw new RedirectError(
              `redirects: refused a ${response.status} redirect from ${from.origin} to another origin (${target.origin})`,
              details,
            );
          }
          for (const name of [...headers.keys()]) if (isCredential(name)) headers.delete(name);
        }
        let method = current.method;
        if (response.status === 303 ? method !== "HEAD" : response.status <= 302 && method === "POST") {
          method = "GET";
          body = null;
          for (const name of BODY_HEADERS) headers.delete(name);
        } else if (current.body !== null && spare) body ??= await spare.arrayBuffer();
        current = new Request(target, {
          method,
          headers,
          body,
          redirect: "manual",
          signal: toAbortSignal(context.signal ?? current.signal),
        });
        response = await send(current, context);
      }
    };

    return (request, context) => {
      // Kept only when there is a body to send again after a 307/308.
      const spare = hasBody(request) ? request.clone() : undefined;
      // An answer that is no redirect (nearly all of them) goes back without an async frame.
      return send(request, context).then((response) =>
        locationOf(response) === null ? response : follow(request, spare, response, context),
      );
    };
  };
}
