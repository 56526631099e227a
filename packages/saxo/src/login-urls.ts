/** Hand-written (not generated): where Saxo's login goes, for both halves of the login (login.ts). */
import { ConfigError, expandUrl, resolveServers } from "@brokerkit/middleware";
import { saxoConfig } from "./generated/index.js";
import type { SaxoLoginOptions } from "./login.js";

/** Names the login in errors. */
export const LOGIN = "saxo login";

/** The oauth scheme's /authorize and /token URLs on the chosen environment's logon server. */
export function logonUrls(options: SaxoLoginOptions): { authorizeUrl: string; tokenUrl: string } {
  for (const field of ["clientId", "redirectUri"] as const) {
    if (typeof options[field] !== "string" || options[field] === "") {
      throw new ConfigError(`${LOGIN}: options.${field} is required`);
    }
  }
  const scheme = saxoConfig.auth.find((candidate) => candidate.kind === "oauth2");
  if (scheme?.kind !== "oauth2" || scheme.authorizeUrl === undefined) {
    throw new ConfigError(`${LOGIN}: specs/saxo/broker.yaml declares no oauth2 scheme with an authorizeUrl`);
  }
  const servers = resolveServers(saxoConfig, options.environment, options.servers);
  return { authorizeUrl: expandUrl(scheme.authorizeUrl, servers), tokenUrl: expandUrl(scheme.tokenUrl, servers) };
}
