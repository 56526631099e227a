/**
 * The OAuth2 token request (RFC 6749 §4.1.3, §4.4, §6): a form-encoded POST, client credentials
 * in the body or as Basic auth, and an answer with `access_token`, `expires_in`, and optionally a
 * (rotated) `refresh_token` with `refresh_token_expires_in`.
 */
import { utf8ToBase64 } from "../base64.js";
import { registerSecret } from "../redact.js";
import type { FetchLike } from "../types.js";
import type { TokenSet } from "./token-cache.js";
import { optionalNumberField, postToTokenEndpoint, requireStringField } from "./token-endpoint.js";

export interface OAuth2Client {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** `body` (default): client_id/client_secret form fields; `basic`: an Authorization header. */
  clientAuth?: "body" | "basic" | undefined;
}

export interface GrantRequest extends OAuth2Client {
  provider: string;
  tokenUrl: string;
  params: Record<string, string | undefined>;
  fetch: FetchLike;
  timeoutMs: number;
}

export async function requestGrant(request: GrantRequest): Promise<TokenSet> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(request.params)) if (value !== undefined) form.set(key, value);
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/x-www-form-urlencoded",
  };
  if (request.clientAuth === "basic" && request.clientId) {
    const pair = `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret ?? "")}`;
    const encoded = utf8ToBase64(pair);
    registerSecret(encoded);
    headers.authorization = `Basic ${encoded}`;
  } else {
    if (request.clientId) form.set("client_id", request.clientId);
    if (request.clientSecret) form.set("client_secret", request.clientSecret);
  }
  const answer = await postToTokenEndpoint({
    provider: request.provider,
    url: request.tokenUrl,
    headers,
    body: form.toString(),
    fetch: request.fetch,
    timeoutMs: request.timeoutMs,
  });
  const at = Date.now();
  const field = (name: string) => optionalNumberField(answer, name, request.provider, request.tokenUrl);
  const tokens: TokenSet = {
    accessToken: requireStringField(answer, "access_token", request.provider, request.tokenUrl),
  };
  registerSecret(tokens.accessToken);
  const expiresIn = field("expires_in");
  if (expiresIn !== undefined) tokens.expiresAt = at + expiresIn * 1000;
  if (answer.refresh_token !== undefined) {
    tokens.refreshToken = requireStringField(answer, "refresh_token", request.provider, request.tokenUrl);
    registerSecret(tokens.refreshToken);
    const refreshExpiresIn = field("refresh_token_expires_in");
    if (refreshExpiresIn !== undefined) tokens.refreshTokenExpiresAt = at + refreshExpiresIn * 1000;
  }
  return tokens;
}
