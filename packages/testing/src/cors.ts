/**
 * Opt-in CORS for the simulators, so a page in a real browser can call them as it would call the
 * broker (the real APIs answer CORS for browser apps). Off by default: Node clients never need it.
 *
 * - Preflights (OPTIONS with Access-Control-Request-Method) are answered here, not by the broker
 *   routes, and are not recorded as arrivals nor counted by the rate limiters.
 * - Credentials are allowed (the Origin is echoed, never `*`), so Saxo's load-balancer cookies
 *   work with `credentials: "include"`: the browser keeps them in its own jar. Scripts can never
 *   read `Set-Cookie` nor send `Cookie`, whatever the server exposes.
 * - The rate-limit, request-id and Retry-After headers are exposed, so the middleware's throttle
 *   and error mapping see in a browser what they see in Node.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface CorsOptions {
  /** The allowed origin. Default: whatever origin asks (echoed, as credentials require). */
  origin?: string;
  /** Response headers scripts may read, besides the CORS-safelisted ones. Default: EXPOSED_HEADERS. */
  exposeHeaders?: readonly string[];
}

/** Headers brokerkit reads from the simulated brokers' answers. */
export const EXPOSED_HEADERS = [
  "retry-after",
  "location",
  "x-request-id",
  "x-reqid",
  "x-alor-reqid",
  "x-correlation",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "x-ratelimit-appday-limit",
  "x-ratelimit-appday-remaining",
  "x-ratelimit-appday-reset",
  "x-ratelimit-session-limit",
  "x-ratelimit-session-remaining",
  "x-ratelimit-session-reset",
  "x-ratelimit-sessionorders-limit",
  "x-ratelimit-sessionorders-remaining",
  "x-ratelimit-sessionorders-reset",
] as const;

/** Sets the CORS headers of a response; answers a preflight itself and returns true when it did. */
export function applyCors(raw: IncomingMessage, res: ServerResponse, options: CorsOptions): boolean {
  const origin = raw.headers.origin;
  if (!origin || (options.origin !== undefined && origin !== options.origin)) return false;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-allow-credentials", "true");
  res.setHeader("vary", "origin");
  const preflightMethod = raw.headers["access-control-request-method"];
  if (raw.method === "OPTIONS" && preflightMethod) {
    res.setHeader("access-control-allow-methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    const asked = raw.headers["access-control-request-headers"];
    if (asked) res.setHeader("access-control-allow-headers", asked);
    res.setHeader("access-control-max-age", "600");
    res.writeHead(204);
    res.end();
    return true;
  }
  res.setHeader("access-control-expose-headers", (options.exposeHeaders ?? EXPOSED_HEADERS).join(", "));
  return false;
}
