/**
 * The runtime form of a broker manifest for one API, as emitted by @brokerkit/codegen.
 * Durations are milliseconds; URL templates may name servers in braces, e.g. `{oauth}/refresh`.
 */
export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";

export interface EnvironmentConfig {
  /** Server key → base URL, e.g. `{ api: "https://api.alor.ru", oauth: "https://oauth.alor.ru" }`. */
  servers: Record<string, string>;
}

export type AuthSchemeConfig =
  | {
      name: string;
      kind: "refresh-exchange";
      /** URL template, e.g. `{oauth}/refresh`. */
      tokenUrl: string;
      /** How the refresh token is sent: `?token=` or a JSON body `{ "token": … }`. */
      tokenIn: "query" | "body";
      /** Field of the JSON answer that holds the access token (a JWT). */
      accessTokenField: string;
      /** Lifetime assumed when the JWT carries no `exp`. */
      defaultLifetimeMs: number;
      skewMs: number;
      /** Never exchange more often than this. */
      minIntervalMs: number;
    }
  | {
      name: string;
      kind: "oauth2";
      authorizeUrl?: string;
      tokenUrl: string;
      grant: "refresh_token" | "client_credentials";
      skewMs: number;
      minIntervalMs: number;
    }
  | {
      name: string;
      kind: "static-headers";
      /** Header name → credential field name, e.g. `{ "APCA-API-KEY-ID": "keyId" }`. */
      headers: Record<string, string>;
    }
  | { name: string; kind: "basic" }
  | { name: string; kind: "bearer" };

export type AuthKind = AuthSchemeConfig["kind"];

export interface RateLimitRule {
  name: string;
  limit: number;
  intervalMs: number;
  /** Path pattern relative to the API base; `{name}` captures become part of the bucket key. */
  path?: string;
  methods?: HttpMethod[];
}

export interface StickyRule {
  /** Pattern whose `{service}` capture names the service, e.g. `/{service}/**`. */
  service: string;
  /** Probe path template, e.g. `/{service}/isalive`. */
  probe: string;
  /** Statuses that may mean the server lost our session and the probe must run again. */
  lostStatuses: number[];
  /**
   * When present, a `lostStatuses` answer means a lost session only if its JSON body's `ErrorCode` is one
   * of these. An answer with `Retry-After` never does: the server asked to wait, not to re-probe.
   */
  lostErrorCodes?: string[];
}

export interface RouteRule {
  from: string;
  to: string;
  methods?: HttpMethod[];
}

export interface IdempotencyRule {
  /** Header carrying the key (ALOR `X-REQID`, Saxo `x-request-id`). */
  header?: string;
  /** JSON body field carrying the key (Alpaca `client_order_id`). */
  bodyField?: string;
  methods: HttpMethod[];
  /** Patterns of the operations that take a key; all matching methods when absent. */
  paths?: string[];
  /**
   * What the broker does with a key it has already seen. `deduplicated` (default): it does not act twice, so a
   * call may be replayed with its key. `rejected` (Alpaca's client_order_id): it refuses the reuse with an error,
   * so a call that may have arrived is never replayed (only a 429, which proves it was not processed); the
   * caller reconciles by looking the key up.
   */
  reuse?: "deduplicated" | "rejected";
}

export interface CacheRule {
  /** `METHOD /path/template` of cacheable static routes. */
  routes: string[];
  /** Cached entries expire at the next occurrence of this UTC time of day (`HH:MM`). */
  sessionBoundaryUtc: string;
}

export interface RetryConfig {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** One operation of the spec: method, path template, and what the runtime must know of it. */
export type OperationEntry = readonly [method: HttpMethod, template: string, flags?: OperationFlags];
export interface OperationFlags {
  deprecated?: true;
  /** Server key (from the manifest's operationServers) for a per-operation server. */
  server?: string;
  /** Absolute URL of a per-operation server that the manifest did not map. */
  serverUrl?: string;
  /** Response media type when it is not JSON (e.g. `text/event-stream`). */
  stream?: true;
}

export interface ApiConfig {
  broker: string;
  api: string;
  environments: Record<string, EnvironmentConfig>;
  /** Server key of this API's base URL. */
  server: string;
  auth: AuthSchemeConfig[];
  rateLimits: RateLimitRule[];
  sticky?: StickyRule;
  routes: RouteRule[];
  idempotency?: IdempotencyRule;
  cache?: CacheRule;
  retry: RetryConfig;
  timeoutMs: number;
  operations: readonly OperationEntry[];
  /** Query parameters the spec serializes as `name=a,b` (form style, `explode: false`) instead of `name=a&name=b`. */
  commaSeparatedQuery?: readonly string[];
}
