/**
 * Picks the credential provider for a client: the first of the API's auth schemes (in manifest
 * order) whose required credential fields are all present. When none fits, the error names each
 * scheme and the fields it is missing, never the values.
 */
import type { ApiConfig, AuthSchemeConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import type { CredentialProvider } from "./provider.js";
import type { AuthSchemes, Fields, ProviderContext, SchemeBuilder } from "./schemes.js";

export function selectProvider(
  config: ApiConfig,
  credentials: unknown,
  context: ProviderContext,
  schemes: AuthSchemes,
): CredentialProvider {
  const label = `${config.broker} ${config.api}`;
  if (!credentials || typeof credentials !== "object") {
    throw new ConfigError(
      `${label}: options.credentials is required (${config.auth.map(describeScheme).join("; or ")})`,
    );
  }
  const fields = credentials as Fields;
  for (const scheme of config.auth) {
    if (missingFields(scheme, fields).length) continue;
    const build = schemes[scheme.kind] as SchemeBuilder<typeof scheme.kind> | undefined;
    if (!build) {
      throw new ConfigError(
        `${label}: this client was built without support for auth kind "${scheme.kind}" (scheme "${scheme.name}")`,
      );
    }
    return build(scheme as never, fields, context);
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
    case "signature":
      return [["apiKey", "secretKey"]];
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
