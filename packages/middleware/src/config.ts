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
  | { name: string; kind: "bearer" }
  | SignatureSchemeConfig;

/**
 * Request signing (exchange-style APIs): the key travels in `keyHeader`; each attempt of an operation flagged
 * `signed` gets a fresh timestamp and an HMAC of its payload with the secret. Credentials `apiKey` + `secretKey`.
 */
export interface SignatureSchemeConfig {
  name: string;
  kind: "signature";
  algorithm: "HMAC-SHA256" | "HMAC-SHA512";
  /**
   * What is signed: the query string, the body, both concatenated (query first), or `template`, where
   * `{method}`, `{path}`, `{query}`, `{body}` and `{timestamp}` are replaced.
   */
  payload: "query" | "body" | "query+body" | "template";
  template?: string;
  encoding: "hex" | "base64";
  /** Where the signature goes: a query parameter (appended last) or a header. */
  signature: { in: "query" | "header"; name: string };
  /** Header carrying the API key. */
  keyHeader: string;
  /** Where the signing time (epoch ms, server clock) goes. */
  timestamp: { in: "query" | "header"; name: string };
  /** Receive window sent next to the timestamp, unless the caller gave one. */
  receiveWindow?: { name: string; valueMs: number };
  /** The server's clock: `url` template answering JSON with epoch ms in `field`; re-read every `resyncMs`. */
  serverTime?: { url: string; field: string; resyncMs: number };
}

export type AuthKind = AuthSchemeConfig["kind"];

export interface RateLimitRule {
  name: string;
  limit: number;
  intervalMs: number;
  /** Path pattern relative to the API base; `{name}` captures become part of the bucket key. */
  path?: string;
  methods?: HttpMethod[];
  /** `calls` (default): each call costs 1. `weight`: each call costs its operation's `weight` (default 1). */
  unit?: "calls" | "weight";
  /**
   * Whose budget it is: the credential's (default), the client's IP address (every credential of this
   * process, or of every process sharing a store), or one per value of a path parameter (e.g. per account).
   */
  scope?: "credential" | "ip" | { param: string };
  /** Response headers reporting this limit, in the rule's unit, e.g. `{ used: "X-MBX-USED-WEIGHT-1M" }`. */
  headers?: RateLimitHeaderNames;
  /** Statuses by which the server bans the whole scope (e.g. 418): every bucket of it pauses until Retry-After. */
  banStatuses?: number[];
}

export interface RateLimitHeaderNames {
  used?: string;
  remaining?: string;
  reset?: string;
  /** How `reset` counts: seconds or ms from now, or epoch seconds or ms. Default `s`. */
  resetUnit?: "s" | "ms" | "epoch-s" | "epoch-ms";
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
  /** Query parameter carrying the key (Binance `newClientOrderId`). */
  query?: string;
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
  /** Cost of one call in `unit: weight` rate limits (default 1). */
  weight?: number;
  /** Safe to repeat whatever its method (a POST that only reads): retried like a GET. */
  safe?: true;
  /** Signed by the `signature` auth scheme. */
  signed?: true;
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
