/**
 * Picks the credential provider for a client: the first of the API's auth schemes (in manifest
 * order) whose required credential fields are all present. When none fits, the error names each
 * scheme and the fields it is missing, never the values.
 */
import type { ApiConfig, AuthSchemeConfig } from "../config.js";
import type { OAuth2Credentials } from "../credentials.js";
import { ConfigError } from "../errors.js";
import { expandUrl } from "../servers.js";
import type { FetchLike } from "../types.js";
import { basic } from "./basic.js";
import { bearer } from "./bearer.js";
import { oauth2 } from "./oauth2.js";
import type { CredentialProvider } from "./provider.js";
import { refreshExchange } from "./refresh-exchange.js";
import { staticHeaders } from "./static-headers.js";
import type { TokenStore } from "./token-cache.js";

export interface ProviderContext {
  servers: Record<string, string>;
  fetch?: FetchLike;
  tokenStore?: TokenStore;
}

type Fields = Record<string, unknown>;

export function selectProvider(config: ApiConfig, credentials: unknown, context: ProviderContext): CredentialProvider {
  const label = `${config.broker} ${config.api}`;
  if (!credentials || typeof credentials !== "object") {
    throw new ConfigError(
      `${label}: options.credentials is required (${config.auth.map(describeScheme).join("; or ")})`,
    );
  }
  const fields = credentials as Fields;
  const shared = {
    ...(context.fetch ? { fetch: context.fetch } : {}),
    ...(context.tokenStore ? { store: context.tokenStore } : {}),
  };
  for (const scheme of config.auth) {
    if (missingFields(scheme, fields).length) continue;
    switch (scheme.kind) {
      case "refresh-exchange":
        return refreshExchange({
          name: scheme.name,
          refreshToken: fields.refreshToken as string,
          tokenUrl: expandUrl(scheme.tokenUrl, context.servers),
          tokenIn: scheme.tokenIn,
          accessTokenField: scheme.accessTokenField,
          defaultLifetimeMs: scheme.defaultLifetimeMs,
          skewMs: scheme.skewMs,
          minIntervalMs: scheme.minIntervalMs,
          ...shared,
        });
      case "oauth2": {
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
          ...shared,
        });
      }
      case "static-headers":
        return staticHeaders({
          name: scheme.name,
          headers: scheme.headers,
          credentials: fields as Record<string, string>,
        });
      case "basic":
        return basic({ name: scheme.name, username: fields.username as string, password: fields.password as string });
      case "bearer":
        return bearer({ name: scheme.name, accessToken: fields.accessToken as string });
    }
  }
  const reasons = config.auth.map(
    (scheme) => `${describeScheme(scheme)}: missing ${missingFields(scheme, fields).join(", ")}`,
  );
  throw new ConfigError(`${label}: options.credentials fit no auth scheme (${reasons.join("; ")})`);
}

function requiredFields(scheme: AuthSchemeConfig): string[][] {
  switch (scheme.kind) {
    case "refresh-exchange":
      return [["refreshToken"]];
    case "oauth2":
      return scheme.grant === "client_credentials"
        ? [["clientId", "clientSecret"]]
        : [
            ["clientId", "refreshToken"],
            ["clientId", "accessToken"],
          ];
    case "static-headers":
      return [[...new Set(Object.values(scheme.headers))]];
    case "basic":
      return [["username", "password"]];
    case "bearer":
      return [["accessToken"]];
  }
}

/** The missing fields of the closest alternative; empty when one alternative is complete. */
function missingFields(scheme: AuthSchemeConfig, fields: Fields): string[] {
  let best: string[] | undefined;
  for (const alternative of requiredFields(scheme)) {
    const missing = alternative.filter((name) => typeof fields[name] !== "string" || fields[name] === "");
    if (!best || missing.length < best.length) best = missing;
  }
  return (best ?? []).map((name) => `credentials.${name}`);
}

function describeScheme(scheme: AuthSchemeConfig): string {
  return `scheme "${scheme.name}" (${scheme.kind}) needs ${requiredFields(scheme)
    .map((alt) => alt.map((f) => `credentials.${f}`).join(" + "))
    .join(" or ")}`;
}
