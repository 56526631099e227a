/**
 * Authorization code + PKCE (RFC 7636, S256) to obtain the first token set: build the authorize
 * URL for the user's browser, then exchange the returned code. Start an `oauth2` provider with
 * the result: `oauth2({ tokenUrl, clientId, initial: tokens })`.
 */

import { base64url } from "../base64.js";
import { ConfigError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { randomBytes, sha256 } from "../sha256.js";
import type { FetchLike } from "../types.js";
import { type OAuth2Client, requestGrant } from "./oauth2-grant.js";
import { requireAbsoluteUrl, requireOption } from "./options.js";
import type { TokenSet } from "./token-cache.js";

export interface PkcePair {
  /** 43 characters of base64url randomness; keep it until the code exchange. */
  verifier: string;
  /** base64url(sha256(verifier)). */
  challenge: string;
  method: "S256";
}

export function createPkcePair(): PkcePair {
  const verifier = base64url(randomBytes(32));
  registerSecret(verifier);
  return { verifier, challenge: pkceChallenge(verifier), method: "S256" };
}

export function pkceChallenge(verifier: string): string {
  return base64url(sha256(verifier));
}

export interface AuthorizeUrlOptions {
  /** e.g. `https://sim.logonvalidation.net/authorize`. */
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  /** Echoed back to the redirect URI; compare it to defeat CSRF. */
  state: string;
  codeChallenge: string;
  scope?: string;
  /** Extra query parameters some servers want. */
  extraParams?: Record<string, string>;
}

export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  const url = new URL(requireAbsoluteUrl("oauth2-pkce", "authorizeUrl", options.authorizeUrl));
  const params: Record<string, string | undefined> = {
    response_type: "code",
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state: options.state,
    code_challenge: options.codeChallenge,
    code_challenge_method: "S256",
    scope: options.scope,
    ...options.extraParams,
  };
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  return url.toString();
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  codeVerifier: string;
}

/** One step: a fresh verifier and state, and the URL to send the user to. */
export function createAuthorizationRequest(
  options: Omit<AuthorizeUrlOptions, "state" | "codeChallenge">,
): AuthorizationRequest {
  const pair = createPkcePair();
  const state = base64url(randomBytes(16));
  return {
    url: buildAuthorizeUrl({ ...options, state, codeChallenge: pair.challenge }),
    state,
    codeVerifier: pair.verifier,
  };
}

export interface CodeExchangeOptions extends OAuth2Client {
  tokenUrl: string;
  clientId: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
  fetch?: FetchLike;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Name for errors. Default `oauth2`. */
  name?: string;
}

export async function exchangeAuthorizationCode(options: CodeExchangeOptions): Promise<TokenSet> {
  const name = options.name ?? "oauth2";
  const code = requireOption(name, "code", options.code);
  const codeVerifier = requireOption(name, "codeVerifier", options.codeVerifier);
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) {
    throw new ConfigError(`${name}: option "codeVerifier" must be 43–128 unreserved characters (RFC 7636)`);
  }
  for (const secret of [code, codeVerifier, options.clientSecret]) registerSecret(secret);
  return requestGrant({
    provider: name,
    tokenUrl: requireAbsoluteUrl(name, "tokenUrl", options.tokenUrl),
    params: {
      grant_type: "authorization_code",
      code,
      redirect_uri: requireOption(name, "redirectUri", options.redirectUri),
      code_verifier: codeVerifier,
    },
    clientId: requireOption(name, "clientId", options.clientId),
    clientSecret: options.clientSecret,
    clientAuth: options.clientAuth,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}
