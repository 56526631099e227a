/**
 * The brokerkit configurations the suites use: the generated Saxo and ALOR configs as they ship,
 * except that every rate-limit rule is raised far above what the bench can send (1,000,000 per
 * second), so the throttle runs (buckets, slots, bookkeeping) but never makes a call wait.
 */
import { alorConfig } from "@brokerkit/alor";
import type { ApiConfig } from "@brokerkit/middleware";
import { saxoConfig } from "@brokerkit/saxo";

export const UNREACHABLE_LIMIT = { limit: 1_000_000, intervalMs: 1000 } as const;

export function withUnreachableLimits(config: ApiConfig): ApiConfig {
  return { ...config, rateLimits: config.rateLimits.map((rule) => ({ ...rule, ...UNREACHABLE_LIMIT })) };
}

export const saxoBenchConfig = withUnreachableLimits(saxoConfig);
export const alorBenchConfig = withUnreachableLimits(alorConfig);

/** Base URLs on the bench server: Saxo under /sim/openapi (as in SIM), ALOR at the root, tokens on their own paths. */
export const saxoServers = (url: string) => ({
  gateway: `${url}/sim/openapi`,
  logon: `${url}/logon`,
  streaming: `${url}/streaming`,
});
export const alorServers = (url: string) => ({ api: url, oauth: `${url}/oauth` });

/** Saxo credentials with an access token valid for an hour: the stack uses it and never asks for another. */
export const cachedSaxoCredentials = () => ({
  clientId: "bench-app",
  refreshToken: "bench-refresh",
  accessToken: "bench-access-token",
  accessTokenExpiresAt: Date.now() + 3_600_000,
});
