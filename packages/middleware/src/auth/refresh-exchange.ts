/**
 * `refresh-exchange` (ALOR): POST the long-lived refresh token to the token URL, as `?token=` or
 * a JSON body `{ "token": … }`, and receive a JWT in a named field (`AccessToken`). The JWT's
 * `exp` says when to refresh; without one, `defaultLifetimeMs` is assumed.
 */

import { registerSecret } from "../redact.js";
import { jwtExpiresAt } from "./jwt.js";
import { requireAbsoluteUrl, requireOption } from "./options.js";
import { type CredentialProvider, credentialIdentity } from "./provider.js";
import { type RefreshingCredentialOptions, refreshingProvider } from "./refreshing-provider.js";
import { MemoryTokenStore } from "./token-cache.js";
import { postToTokenEndpoint, requireStringField } from "./token-endpoint.js";

export interface RefreshExchangeOptions extends RefreshingCredentialOptions {
  refreshToken: string;
  /** Absolute URL, e.g. `https://oauth.alor.ru/refresh`. */
  tokenUrl: string;
  /** Default `query` (`?token=`). */
  tokenIn?: "query" | "body";
  /** Default `AccessToken`. */
  accessTokenField?: string;
  /** Lifetime assumed when the JWT has no `exp`. Default 30 minutes. */
  defaultLifetimeMs?: number;
}

export function refreshExchange(options: RefreshExchangeOptions): CredentialProvider {
  const name = options.name ?? "refresh-exchange";
  const refreshToken = requireOption(name, "refreshToken", options.refreshToken);
  const tokenUrl = requireAbsoluteUrl(name, "tokenUrl", options.tokenUrl);
  registerSecret(refreshToken);
  const tokenIn = options.tokenIn ?? "query";
  const field = options.accessTokenField ?? "AccessToken";
  const defaultLifetimeMs = options.defaultLifetimeMs ?? 30 * 60_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  return refreshingProvider({
    kind: "refresh-exchange",
    name,
    identity: options.identity ?? credentialIdentity("refresh-exchange", refreshToken),
    store: options.store ?? new MemoryTokenStore(),
    skewMs: options.skewMs ?? 60_000,
    minIntervalMs: options.minIntervalMs ?? 1_000,
    // A JWT that arrives expired (server clock behind) is used for ALOR's documented lifetime instead.
    fallbackLifetimeMs: defaultLifetimeMs,
    observer: options.observer,
    async mint() {
      const url = new URL(tokenUrl);
      const headers: Record<string, string> = { accept: "application/json" };
      let body: string | undefined;
      if (tokenIn === "query") url.searchParams.set("token", refreshToken);
      else {
        headers["content-type"] = "application/json";
        body = JSON.stringify({ token: refreshToken });
      }
      const answer = await postToTokenEndpoint({
        provider: name,
        url: url.toString(),
        headers,
        body,
        fetch: fetchImpl,
        timeoutMs: options.timeoutMs ?? 30_000,
      });
      const accessToken = requireStringField(answer, field, name, tokenUrl);
      return { accessToken, expiresAt: jwtExpiresAt(accessToken) ?? Date.now() + defaultLifetimeMs };
    },
  });
}
