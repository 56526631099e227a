/**
 * POST /refresh on ALOR's OAuth host: the refresh token as `?token=` or as JSON `{"token": …}` (the body
 * wins when both are present), answered with `{"AccessToken": "<JWT>"}`. ALOR documents 403 for a refresh
 * token it does not accept.
 */
import type { SimRequest } from "../server.js";
import { json, type Reply } from "./http.js";
import type { TokenIssuer } from "./tokens.js";

export interface TokenExchangeOutcome {
  reply: Reply;
  issued: boolean;
}

export function exchangeRefreshToken(req: SimRequest, tokens: TokenIssuer, rejectStatus: number): TokenExchangeOutcome {
  if (req.method !== "POST") {
    return { reply: json({ message: "use POST /refresh" }, 405, { allow: "POST" }), issued: false };
  }
  const body = req.json && typeof req.json === "object" ? (req.json as Record<string, unknown>) : undefined;
  const token = typeof body?.token === "string" ? body.token : req.url.searchParams.get("token");
  if (!token) {
    return {
      reply: json({ message: 'the refresh token is missing: pass ?token= or a JSON body {"token": …}' }, 400),
      issued: false,
    };
  }
  const allowed = Array.isArray(body?.allowedPortfolios)
    ? body.allowedPortfolios.filter((p): p is string => typeof p === "string")
    : undefined;
  const accessToken = tokens.exchange(token, allowed);
  if (!accessToken) {
    // Never echo the token: it is a credential.
    return {
      reply: json({ message: "the refresh token is unknown, expired or revoked" }, rejectStatus),
      issued: false,
    };
  }
  return { reply: json({ AccessToken: accessToken }), issued: true };
}
