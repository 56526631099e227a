/**
 * One builder per auth kind: turns a manifest auth scheme plus the caller's credential fields into a
 * provider. Each is its own export, so a generated client imports only the kinds its manifest uses
 * and a bundler leaves the other providers out.
 */
import type { AuthKind, AuthSchemeConfig } from "../config.js";
import type { OAuth2Credentials } from "../credentials.js";
import { expandUrl } from "../servers.js";
import type { FetchLike } from "../types.js";
import { basic } from "./basic.js";
import { bearer } from "./bearer.js";
import { oauth2 } from "./oauth2.js";
import type { CredentialProvider } from "./provider.js";
import { refreshExchange } from "./refresh-exchange.js";
import { signature } from "./signature.js";
import { staticHeaders } from "./static-headers.js";
import type { TokenStore } from "./token-cache.js";

export interface ProviderContext {
  servers: Record<string, string>;
  fetch?: FetchLike;
  /** The client's own composed stack (bound once it exists), for requests that are throttled like calls. */
  stackFetch?: FetchLike;
  tokenStore?: TokenStore;
  /** Deadline of one token request (the client's timeoutMs). */
  timeoutMs?: number;
}

export type Fields = Record<string, unknown>;

export type SchemeBuilder<K extends AuthKind> = (
  scheme: Extract<AuthSchemeConfig, { kind: K }>,
  fields: Fields,
  context: ProviderContext,
) => CredentialProvider;

/** The builders a client supports, by auth kind. */
export type AuthSchemes = { [K in AuthKind]?: SchemeBuilder<K> };

const shared = (context: ProviderContext) => ({
  ...(context.fetch ? { fetch: context.fetch } : {}),
  ...(context.tokenStore ? { store: context.tokenStore } : {}),
  ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
});

export const refreshExchangeScheme: SchemeBuilder<"refresh-exchange"> = (scheme, fields, context) =>
  refreshExchange({
    name: scheme.name,
    refreshToken: fields.refreshToken as string,
    tokenUrl: expandUrl(scheme.tokenUrl, context.servers),
    tokenIn: scheme.tokenIn,
    accessTokenField: scheme.accessTokenField,
    defaultLifetimeMs: scheme.defaultLifetimeMs,
    skewMs: scheme.skewMs,
    minIntervalMs: scheme.minIntervalMs,
    ...shared(context),
  });

export const oauth2Scheme: SchemeBuilder<"oauth2"> = (scheme, fields, context) => {
  const creds = fields as unknown as OAuth2Credentials;
  // A refresh_token scheme given only an access token (and no store that may hold a refresh token)
  // has nothing to refresh with: a static bearer token.
  if (scheme.grant === "refresh_token" && !creds.refreshToken && !context.tokenStore) {
    return bearer({ name: scheme.name, accessToken: creds.accessToken as string }, "oauth2");
  }
  return oauth2({
    name: scheme.name,
    tokenUrl: expandUrl(scheme.tokenUrl, context.servers),
    grant: scheme.grant,
    clientId: creds.clientId,
    ...(creds.clientSecret ? { clientSecret: creds.clientSecret } : {}),
    ...(creds.refreshToken ? { refreshToken: creds.refreshToken } : {}),
    ...(creds.accessToken
      ? {
          initial: {
            accessToken: creds.accessToken,
            ...(creds.accessTokenExpiresAt ? { expiresAt: creds.accessTokenExpiresAt } : {}),
          },
        }
      : {}),
    ...(creds.onRefreshToken ? { onRefreshToken: creds.onRefreshToken } : {}),
    skewMs: scheme.skewMs,
    minIntervalMs: scheme.minIntervalMs,
    ...shared(context),
  });
};

export const staticHeadersScheme: SchemeBuilder<"static-headers"> = (scheme, fields) =>
  staticHeaders({ name: scheme.name, headers: scheme.headers, credentials: fields as Record<string, string> });

export const basicScheme: SchemeBuilder<"basic"> = (scheme, fields) =>
  basic({ name: scheme.name, username: fields.username as string, password: fields.password as string });

export const bearerScheme: SchemeBuilder<"bearer"> = (scheme, fields) =>
  bearer({ name: scheme.name, accessToken: fields.accessToken as string });

export const signatureScheme: SchemeBuilder<"signature"> = (scheme, fields, context) => {
  const { kind: _kind, name, serverTime, ...rest } = scheme;
  return signature({
    ...rest,
    name,
    apiKey: fields.apiKey as string,
    secretKey: fields.secretKey as string,
    ...(serverTime ? { serverTime: { ...serverTime, url: expandUrl(serverTime.url, context.servers) } } : {}),
    ...(context.stackFetch ? { fetch: context.stackFetch } : context.fetch ? { fetch: context.fetch } : {}),
  });
};
