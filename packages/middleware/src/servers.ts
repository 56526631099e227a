/**
 * Environment and server resolution: picks the base URLs of the chosen environment, applies the
 * caller's overrides, and routes operations that the spec puts on another server (per-operation
 * servers such as ALOR's token endpoint) to that server.
 */
import type { ApiConfig } from "./config.js";
import { ConfigError } from "./errors.js";
import { copyRequest } from "./light-request.js";
import type { Layer } from "./types.js";

export function resolveServers(
  config: ApiConfig,
  environment: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const env = config.environments[environment];
  if (!env) {
    throw new ConfigError(
      `unknown environment "${environment}" for ${config.broker} ${config.api}: expected one of ${Object.keys(config.environments).join(", ")}`,
    );
  }
  const servers = { ...env.servers };
  for (const [key, url] of Object.entries(overrides)) {
    if (url === undefined) continue;
    if (!(key in servers)) {
      throw new ConfigError(
        `unknown server key "${key}" in options.servers: expected one of ${Object.keys(servers).join(", ")}`,
      );
    }
    // Stream servers (ws/wss) sit beside the HTTP ones; each must match the scheme family it replaces.
    const streaming = /^wss?:\/\//i.test(servers[key] ?? "");
    if (!(streaming ? /^wss?:\/\//i : /^https?:\/\//i).test(url)) {
      throw new ConfigError(`options.servers.${key} must be an absolute ${streaming ? "ws(s)" : "http(s)"} URL`);
    }
    servers[key] = url.replace(/\/$/, "");
  }
  return servers;
}

/** Expands `{key}` at the start of a URL template with a server's base URL. */
export function expandUrl(template: string, servers: Record<string, string>): string {
  return template.replace(/^\{([^}]+)\}/, (_whole, key: string) => {
    const url = servers[key];
    if (url === undefined) throw new ConfigError(`URL template ${template} names unknown server "${key}"`);
    return url;
  });
}

/**
 * Sends operations with a per-operation server to that server. Runs after routes (which may
 * change the path) so it sees the final operation.
 */
export function operationServers(baseUrl: string, servers: Record<string, string>): Layer {
  const base = baseUrl.replace(/\/$/, "");
  return (next) => (request, context) => {
    const flags = context.operation?.flags;
    const target = flags?.server ? servers[flags.server] : flags?.serverUrl;
    if (!target || !request.url.startsWith(base)) return next(request, context);
    const moved = copyRequest(request, { url: target.replace(/\/$/, "") + request.url.slice(base.length) });
    return next(moved, context);
  };
}
