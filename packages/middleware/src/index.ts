import { defaultFetch as runtimeDefaultFetch } from "#default-fetch";
import type { FetchLike } from "./types.js";

/**
 * The transport a client uses when `fetch:` is not given: undici's on Node where undici is installed,
 * else the global fetch. Declared here so no `#default-fetch` specifier reaches the published types.
 */
export const defaultFetch: () => FetchLike = runtimeDefaultFetch;
export * from "./auth/index.js";
export {
  type AuthSchemes,
  basicScheme,
  bearerScheme,
  oauth2Scheme,
  refreshExchangeScheme,
  type SchemeBuilder,
  signatureScheme,
  staticHeadersScheme,
} from "./auth/schemes.js";
export type { HeldRefreshLock, RefreshLock } from "./auth/token-cache.js";
export {
  type BodyOptions,
  body,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
} from "./body.js";
export {
  type CacheOptions,
  type CacheStats,
  cache,
  createCache,
  nextSessionBoundary,
  type ResponseCache,
} from "./cache.js";
export { allFeatures, createBrokerClient } from "./client.js";
export { compose, fromFetch, toFetch } from "./compose.js";
export {
  type BrokerClient,
  type BrokerClientOptions,
  type BrokerRuntime,
  type ClientFeatures,
  composeBrokerClient,
} from "./compose-client.js";
export type * from "./config.js";
export type * from "./credentials.js";
export { type DebugLogger, debugFromEnvironment, debugLog } from "./debug-log.js";
export * from "./errors.js";
export type { MiddlewareEvent, MiddlewareEventType } from "./events.js";
export { type IdempotencyOptions, idempotency } from "./idempotency.js";
export {
  copyRequest,
  isLightRequest,
  LightRequest,
  type RequestChanges,
  toTransportRequest,
} from "./light-request.js";
export { createOperationTable, matchOperations, type OperationTable } from "./operations.js";
export { createOps, type OpsTable } from "./ops.js";
export type { FlatArgs, NestedArgs, OpArgs, OpInit, OpResult } from "./ops-types.js";
export { compilePattern, fillTemplate, type PathMatcher } from "./pattern.js";
export {
  createRateGate,
  type RateGate,
  type RateGateLimit,
  type RateGateOptions,
  type RateGateRunOptions,
} from "./rate-gate.js";
export {
  isExhausted,
  parseRateLimitDimensions,
  parseRateLimitHeaders,
  parseResetValue,
  parseRetryAfter,
  type RateLimitDimension,
} from "./rate-limit-headers.js";
export { isSecretHeader, redactHeaders, redactText, redactUrl, registerSecret } from "./redact.js";
export { RedirectError, type RedirectOptions, redirects } from "./redirects.js";
export { type RetryOptions, retry } from "./retry.js";
export { type RoutesOptions, routes } from "./routes.js";
export { expandUrl, operationServers, resolveServers } from "./servers.js";
export { signing, signingPreparation } from "./signing.js";
export { sleep } from "./sleep.js";
export { type StickyJar, type StickyLayer, type StickyOptions, sticky } from "./sticky.js";
export type { BrokerStore } from "./store.js";
export { createThrottle, type Throttle, type ThrottleOptions, type ThrottleStats, throttle } from "./throttle.js";
export { type Bucket as SchedulerBucket, ThrottleScheduler } from "./throttle-scheduler.js";
export type {
  Admission,
  BucketInit,
  ThrottleBucket,
  ThrottleStore,
  ThrottleStoreStats,
} from "./throttle-store.js";
export { type CallResponse, type Succeeded, type ThrowingClient, throwOnErrors } from "./throw-on-error.js";
export { type TimeoutOptions, timeout } from "./timeout.js";
export type { CallContext, FetchLike, Handler, Layer, MatchedOperation, Observer } from "./types.js";
export { type CallResult, errorFromResponse, errorReason, unwrap } from "./unwrap.js";
