/** Options of the Saxo simulator, with defaults that match Saxo's documented behaviour. */
import type { CorsOptions } from "../cors.js";

export interface SaxoSimulatorOptions {
  /** Answer CORS for pages in a real browser (see cors.ts). Off by default. */
  cors?: CorsOptions | false;
  /** Simulated servers behind the load balancer, per service. Default 3. */
  backendsPerService?: number;
  /** Lifetime of the load-balancer cookies set by `/{service}/isalive`. Default 1 hour. */
  stickyCookieTtlMs?: number;
  /** How long an isalive probe takes, so overlapping probes can be observed. Default 5 ms. */
  probeLatencyMs?: number;
  /**
   * Status of a request that reaches a server without its session's affinity (no, unknown or expired
   * cookie). Default 503, with ErrorCode `SessionNotAvailable`; the request had no effect.
   */
  lostSessionStatus?: number;

  /** OAuth client id (Saxo's AppKey). */
  appKey?: string;
  /** OAuth client secret (Saxo's AppSecret), needed by the code grant without PKCE. */
  appSecret?: string;
  /** The registered redirect URI; `/authorize` and `/token` require exactly this value. */
  redirectUri?: string;
  /** Access-token lifetime. Default 20 minutes, like Saxo. */
  accessTokenTtlMs?: number;
  /** Refresh-token lifetime. Default 1 hour. */
  refreshTokenTtlMs?: number;
  /** Authorization-code lifetime. Default 60 s. */
  authorizationCodeTtlMs?: number;

  /** Requests per session and service group per window. Default 120. */
  sessionRequestLimit?: number;
  /** Window of `sessionRequestLimit`. Default 60 s. */
  sessionRequestWindowMs?: number;
  /** Order operations (POST/PATCH/DELETE on orders) per session per window. Default 1. */
  orderLimit?: number;
  /** Window of `orderLimit`. Default 1 s. */
  orderWindowMs?: number;

  /** Identical order operations within this window get 409 unless `x-request-id` differs. Default 15 s. */
  duplicateWindowMs?: number;
  /**
   * What a retry with an already-seen `x-request-id` and the same body gets within the window:
   * `replay` (default) answers the first result again without acting twice; `conflict` answers 409.
   */
  repeatedRequestId?: "replay" | "conflict";

  /** Answer `/trade/v1/orders…` and `/chart/v1/charts` as retired routes. Default true. */
  retireV1Routes?: boolean;
  /** Status of a retired route. Default 410 Gone. */
  retiredRouteStatus?: number;
  /** How often the streaming WebSocket sends `_heartbeat` on each connection. Default 5000 ms. */
  streamingHeartbeatMs?: number;
}

export type ResolvedSaxoOptions = Required<SaxoSimulatorOptions>;

export function resolveOptions(options: SaxoSimulatorOptions = {}): ResolvedSaxoOptions {
  const resolved: ResolvedSaxoOptions = {
    backendsPerService: 3,
    stickyCookieTtlMs: 60 * 60_000,
    probeLatencyMs: 5,
    lostSessionStatus: 503,
    appKey: "brokerkit-sim-app",
    appSecret: "brokerkit-sim-secret",
    redirectUri: "http://localhost/brokerkit/callback",
    accessTokenTtlMs: 20 * 60_000,
    refreshTokenTtlMs: 60 * 60_000,
    authorizationCodeTtlMs: 60_000,
    sessionRequestLimit: 120,
    sessionRequestWindowMs: 60_000,
    orderLimit: 1,
    orderWindowMs: 1_000,
    duplicateWindowMs: 15_000,
    repeatedRequestId: "replay",
    retireV1Routes: true,
    retiredRouteStatus: 410,
    streamingHeartbeatMs: 5_000,
    cors: false,
    ...stripUndefined(options),
  };
  for (const key of [
    "backendsPerService",
    "stickyCookieTtlMs",
    "accessTokenTtlMs",
    "refreshTokenTtlMs",
    "authorizationCodeTtlMs",
    "sessionRequestLimit",
    "sessionRequestWindowMs",
    "orderLimit",
    "orderWindowMs",
    "duplicateWindowMs",
    "streamingHeartbeatMs",
  ] as const) {
    const value = resolved[key];
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`startSaxoSimulator: option ${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (resolved.probeLatencyMs < 0) {
    throw new RangeError(`startSaxoSimulator: option probeLatencyMs must be >= 0, got ${resolved.probeLatencyMs}`);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
