/**
 * `oauth2` (Saxo, Alpaca OAuth / Broker): refresh_token grant with rotating refresh tokens and a
 * persist hook, or client_credentials. A plain `{ accessToken }` with nothing to refresh with is
 * a static bearer token.
 */
import { AuthError, ConfigError } from "../errors.js";
import { registerSecret } from "../redact.js";
import { bearer } from "./bearer.js";
import { type OAuth2Client, requestGrant } from "./oauth2-grant.js";
import { requireAbsoluteUrl, requireOption } from "./options.js";
import { type CredentialProvider, credentialIdentity } from "./provider.js";
import { type RefreshingCredentialOptions, refreshingProvider } from "./refreshing-provider.js";
import { MemoryTokenStore, type TokenSet } from "./token-cache.js";

export interface OAuth2Options extends OAuth2Client, RefreshingCredentialOptions {
  tokenUrl?: string;
  /** Default: `refresh_token` when a refresh token is given, else `client_credentials` when a client secret is. */
  grant?: "refresh_token" | "client_credentials";
  refreshToken?: string;
  /** A token already obtained (e.g. by `exchangeAuthorizationCode`), used until it goes stale. */
  initial?: TokenSet;
  /** Shorthand for `initial.accessToken`; alone, it makes a static bearer provider. */
  accessToken?: string;
  scope?: string;
  /**
   * The server's documented access-token lifetime, assumed when a token arrives already expired
   * (`expires_in: 0`, or a server clock behind ours). Without it such a token is used until a 401.
   */
  defaultLifetimeMs?: number;
  /** Sent with refresh_token grants when the server wants it (Saxo code-flow apps). */
  redirectUri?: string;
  /**
   * Called after the server rotated the refresh token, before the refresh resolves. Persist the
   * new token here: the old one no longer works. If it throws, the call that triggered the
   * refresh fails with an AuthError, but the new tokens stay current in the store.
   */
  onRefreshToken?(refreshToken: string, expiresAt?: number): void | Promise<void>;
}

export function oauth2(options: OAuth2Options): CredentialProvider {
  const name = options.name ?? "oauth2";
  const initial: TokenSet | undefined =
    options.initial ?? (options.accessToken ? { accessToken: options.accessToken } : undefined);
  const firstRefreshToken = options.refreshToken ?? initial?.refreshToken;
  const grant =
    options.grant ?? (firstRefreshToken ? "refresh_token" : options.clientSecret ? "client_credentials" : undefined);
  if (!grant) {
    if (initial) return bearer({ accessToken: initial.accessToken, name, identity: options.identity }, "oauth2");
    throw new ConfigError(`${name}: give a refreshToken, client credentials, or an accessToken`);
  }
  const tokenUrl = requireAbsoluteUrl(name, "tokenUrl", options.tokenUrl);
  if (grant === "refresh_token" && !options.store) requireOption(name, "refreshToken", firstRefreshToken);
  if (grant === "client_credentials") requireOption(name, "clientId", options.clientId);
  for (const secret of [firstRefreshToken, options.clientSecret, initial?.accessToken]) registerSecret(secret);

  const request = (params: Record<string, string | undefined>) =>
    requestGrant({
      provider: name,
      tokenUrl,
      params: { ...params, scope: options.scope },
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      clientAuth: options.clientAuth,
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
    });

  return refreshingProvider({
    kind: "oauth2",
    name,
    identity:
      options.identity ??
      credentialIdentity("oauth2", grant === "client_credentials" ? `${options.clientId}` : `${firstRefreshToken}`),
    store: options.store ?? new MemoryTokenStore(initial),
    skewMs: options.skewMs ?? 60_000,
    minIntervalMs: options.minIntervalMs ?? 1_000,
    fallbackLifetimeMs: options.defaultLifetimeMs,
    observer: options.observer,
    async mint(current) {
      if (grant === "client_credentials") return request({ grant_type: "client_credentials" });
      const refreshToken = current?.refreshToken ?? firstRefreshToken;
      if (!refreshToken) throw new AuthError(`${name}: the token store holds no refresh token to refresh with`);
      const next = await request({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        redirect_uri: options.redirectUri,
      });
      // A server that does not rotate answers without refresh_token: keep using the old one.
      if (next.refreshToken === undefined) {
        next.refreshToken = refreshToken;
        if (current?.refreshTokenExpiresAt !== undefined) next.refreshTokenExpiresAt = current.refreshTokenExpiresAt;
      }
      return next;
    },
    async afterMint(next, previous) {
      const before = previous?.refreshToken ?? firstRefreshToken;
      if (!options.onRefreshToken || next.refreshToken === undefined || next.refreshToken === before) return;
      try {
        await options.onRefreshToken(next.refreshToken, next.refreshTokenExpiresAt);
      } catch (cause) {
        throw new AuthError(`${name}: onRefreshToken failed to persist the rotated refresh token`, { cause });
      }
    },
  });
}
