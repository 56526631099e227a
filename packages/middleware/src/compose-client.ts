/**
 * Assembles a typed openapi-fetch client for one API from its generated config: resolves the
 * environment, picks the credential provider, and composes the layers in their fixed order.
 * The core layers are always there; the optional ones (cache, idempotency, routes, sticky) and the
 * credential builders come in through `features`, so a generated client carries only what its
 * manifest uses. `createBrokerClient` (client.ts) passes all of them.
 */
import createClient, { type Client } from "openapi-fetch";
// undici's Dispatcher on Node, the runtime's fetch elsewhere (package.json `imports`).
import { defaultFetch } from "#default-fetch";
import { auth } from "./auth/layer.js";
import type { CredentialProvider } from "./auth/provider.js";
import type { AuthSchemes } from "./auth/schemes.js";
import { selectProvider } from "./auth/select.js";
import type { TokenStore } from "./auth/token-cache.js";
import { body } from "./body.js";
import type { createCache, ResponseCache } from "./cache.js";
import { compose, disposable, fromFetch, toFetch } from "./compose.js";
import type { ApiConfig } from "./config.js";
import { type DebugLogger, debugFromEnvironment, debugLog } from "./debug-log.js";
import { ConfigError, MalformedResponseError } from "./errors.js";
import type { idempotency } from "./idempotency.js";
import { isLightBody, LightRequest } from "./light-request.js";
import { createOperationTable, matchOperations } from "./operations.js";
import { createOps, type OpsTable } from "./ops.js";
import { querySerializerFor } from "./query.js";
import { redirects } from "./redirects.js";
import { type RetryOptions, retry } from "./retry.js";
import type { routes } from "./routes.js";
import { operationServers, resolveServers } from "./servers.js";
import { signing, signingPreparation } from "./signing.js";
import type { StickyLayer, sticky } from "./sticky.js";
import type { BrokerStore } from "./store.js";
import { createThrottle, type Throttle, type ThrottleOptions } from "./throttle.js";
import { type ThrowingClient, throwOnErrors } from "./throw-on-error.js";
import { ownStackTimeout } from "./timeout.js";
import type { FetchLike, Layer, Observer } from "./types.js";

export interface BrokerClientOptions<
  Env extends string = string,
  ServerKey extends string = string,
  Credentials = unknown,
> {
  /** Which of the manifest's environments to talk to. */
  environment: Env;
  credentials: Credentials;
  /** Override base URLs by server key, e.g. `{ api: "http://127.0.0.1:4010" }` for a simulator. */
  servers?: Partial<Record<ServerKey, string>>;
  /** Transport; defaults to an undici 7 transport on Node and to the global fetch elsewhere. */
  fetch?: FetchLike;
  /** Receives middleware events (throttle waits, retries, token refreshes, probes, deprecations). */
  observer?: Observer;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Retry tuning (defaults from the manifest), or `false` to send every call once. */
  retry?: Partial<Pick<RetryOptions, "attempts" | "baseDelayMs" | "maxDelayMs" | "jitter">> | false;
  /** Throttle tuning, or `false` to disable client-side rate limiting (not recommended). */
  throttle?: Pick<ThrottleOptions, "marginMs" | "maxTransitMs"> | false;
  /**
   * Per-attempt deadline in ms, response body included (default from the manifest, 30 s), or `false` for
   * none. It also bounds each token request, and how long a call waits behind a pause the broker imposed.
   */
  timeoutMs?: number | false;
  /** Largest response body read, in bytes (default 32 MiB); a larger one fails with ResponseTooLargeError. Streams are exempt. */
  maxResponseBytes?: number;
  /** A streaming operation's body that brings no byte for this long fails with a TimeoutError (default 120 s), or `false`. */
  streamIdleTimeoutMs?: number | false;
  /** Where access tokens are kept; in memory by default. */
  tokenStore?: TokenStore;
  /**
   * Shared state for several processes using one account: throttle buckets and tokens, e.g.
   * `redisStore({ url })` from `@brokerkit/redis`. In memory (per process) by default; `tokenStore` wins.
   */
  store?: BrokerStore;
  /**
   * The reference-data cache of the manifest's `cache` routes: options, or `false` to send every call.
   * `file` persists it across restarts; `sessionBoundaryUtc` (`HH:MM`) overrides the manifest's;
   * `now` (epoch ms) is the clock that decides expiry.
   */
  cache?: { file?: string; maxEntries?: number; sessionBoundaryUtc?: string; now?: () => number } | false;
  /**
   * Every call throws the typed error of a non-2xx answer (HttpError, RateLimitError, AuthError, as `unwrap`
   * does) instead of resolving to `{ error }`; `data` is then never optional in the types.
   */
  throwOnError?: boolean;
  /**
   * Receives one debug line per attempt (method, path template, status, attempt, duration, throttle wait
   * and bucket; secrets redacted), e.g. `console.error`. `BROKERKIT_DEBUG=1` logs to `console.error`.
   */
  logger?: DebugLogger;
}

export interface BrokerRuntime {
  readonly config: ApiConfig;
  readonly environment: string;
  /** Resolved base URLs by server key. */
  readonly servers: Readonly<Record<string, string>>;
  readonly baseUrl: string;
  /** The composed fetch that every call goes through. */
  readonly fetch: FetchLike;
  /**
   * The same stack for requests a helper makes on its own behalf (reconciliation lookups, stream
   * hand-offs): a redirect that leaves the origin is refused instead of followed.
   */
  readonly ownFetch: FetchLike;
  /** The credential in use: sets auth headers, e.g. for a streaming connection. */
  readonly credentials: CredentialProvider;
  /** The throttle, when the manifest declares rate limits (stats, manual pause). */
  readonly throttle: Throttle | undefined;
  /** The Cookie header the sticky jar holds for `url` ("" when the API is not sticky). */
  cookieHeaderFor(url: string): Promise<string>;
  /** Runs the sticky probe of `url`'s service if it has not run yet (no-op when the API is not sticky). */
  ensureSticky(url: string, signal?: AbortSignal): Promise<void>;
  /** The reference-data cache (invalidate, flush, stats), when the manifest declares one and it is on. */
  readonly cache: ResponseCache | undefined;
}

/**
 * The typed client: openapi-fetch's path calls (throwing ones with `throwOnError: true`) and the runtime.
 * The type-only `~throwOnError` comes first so that TypeScript tells a throwing client from the other one at
 * once, instead of comparing every method (which `ReturnType<typeof createXClient>` would otherwise do).
 */
export type BrokerClient<Paths extends {}, Throws extends boolean = false> = {
  readonly "~throwOnError"?: Throws;
} & ([Throws] extends [true] ? ThrowingClient<Paths> : Client<Paths>) & { readonly runtime: BrokerRuntime };

/** What a client can do beyond the core layers; generated clients pass what their manifest uses. */
export interface ClientFeatures {
  /** Credential builders by auth kind (`refreshExchangeScheme`, `oauth2Scheme`, …). */
  auth: AuthSchemes;
  cache?: typeof createCache;
  idempotency?: typeof idempotency;
  routes?: typeof routes;
  sticky?: typeof sticky;
  /** The operationId table of the generated `ops` facade. */
  ops?: OpsTable;
}

const CLIENT_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

export function composeBrokerClient<Paths extends {}, Throws extends boolean = false>(
  config: ApiConfig,
  options: BrokerClientOptions,
  features: ClientFeatures,
): BrokerClient<Paths, Throws> {
  const servers = resolveServers(config, options.environment, options.servers as Record<string, string | undefined>);
  const baseUrl = servers[config.server] as string;
  const { observer } = options;
  const logger = options.logger ?? (debugFromEnvironment() ? (line: string) => console.error(line) : undefined);
  const transport = options.fetch ?? defaultFetch();
  const timeoutMs = options.timeoutMs === false ? undefined : (options.timeoutMs ?? config.timeoutMs);
  // Bound below, once the stack exists: a signing provider reads the server's clock through it.
  let ownStack: FetchLike | undefined;
  const provider = selectProvider(
    config,
    options.credentials,
    {
      servers,
      stackFetch: (input, init) => (ownStack as FetchLike)(input, init),
      // Token requests keep the runtime's fetch unless told otherwise: they are rare, and not worth a second path.
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...((options.tokenStore ?? options.store?.tokens)
        ? { tokenStore: options.tokenStore ?? options.store?.tokens }
        : {}),
    },
    features.auth,
  );
  const table = createOperationTable(config.operations, baseUrl);
  const throttle =
    options.throttle !== false && config.rateLimits.length
      ? createThrottle({
          rules: config.rateLimits,
          // An unsettled call may still reach the server until its attempt times out.
          maxTransitMs: timeoutMs,
          // A call does not wait behind a broker-imposed pause for longer than it would wait for an answer.
          ...(timeoutMs === undefined ? {} : { maxPauseWaitMs: timeoutMs }),
          ...(options.throttle ?? {}),
          ...(observer ? { observer } : {}),
          ...(options.store?.throttle ? { store: options.store.throttle } : {}),
        })
      : undefined;
  const responseCache =
    options.cache !== false && config.cache
      ? need(
          features.cache,
          "cache",
          config,
        )({ rule: config.cache, ...(options.cache ?? {}), ...(observer ? { observer } : {}) })
      : undefined;
  const stickyLayer: StickyLayer | undefined = config.sticky
    ? need(features.sticky, "sticky", config)({ rule: config.sticky, baseUrl, ...(observer ? { observer } : {}) })
    : undefined;

  // Outermost first; see the middleware README for why this order.
  const layers: (Layer | false | undefined)[] = [
    matchOperations(table),
    // A hit sends nothing: it must take no throttle slot, token or retry.
    responseCache?.layer,
    config.idempotency && need(features.idempotency, "idempotency", config)(config.idempotency),
    config.routes.length > 0 &&
      need(
        features.routes,
        "routes",
        config,
      )({ rules: config.routes, baseUrl, table, ...(observer ? { observer } : {}) }),
    operationServers(baseUrl, servers),
    provider.prepare && signingPreparation(provider),
    options.retry !== false &&
      retry({ ...retryDefaults(config), ...(options.retry ?? {}), ...(observer ? { observer } : {}) }),
    logger && debugLog(logger, `${config.broker}/${config.api}`),
    throttle?.layer,
    auth(provider, observer ? { observer } : {}),
    stickyLayer,
    timeoutMs !== undefined && ownStackTimeout({ timeoutMs }),
    body({
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
      ...(options.streamIdleTimeoutMs === undefined ? {} : { streamIdleTimeoutMs: options.streamIdleTimeoutMs }),
    }),
    // Last before the transport: every attempt is signed as sent, with a fresh timestamp.
    provider.sign && signing(provider),
    redirects({ credentialHeaders: provider.headerNames }),
  ];
  const handler = compose(
    fromFetch(transport),
    layers.filter((layer): layer is Layer => typeof layer === "function"),
  );
  // Throttle buckets are per credential, and the throttle runs before auth: seed the identity.
  const stackFetch = toFetch(handler, () => ({ identity: provider.identity }));
  const ownFetch = toFetch(handler, () => ({ identity: provider.identity, sameOriginRedirects: true }));
  ownStack = ownFetch;

  const querySerializer = querySerializerFor(config.commaSeparatedQuery ?? []);
  // The request openapi-fetch makes for a typed call is seen by nobody but the stack when no
  // openapi-fetch middleware can see it: it is then a light request (light-request.ts), which the
  // default transport sends as it is. Any other body (FormData, a stream) keeps a real Request, marked
  // disposable so that the auth layer sets credentials on it in place (see `disposable` in compose.ts).
  const calls: CallState = { ownRequests: false, middleware: false, template: undefined };
  function CallRequest(input: string | URL, init?: RequestInit): Request {
    if (!calls.ownRequests) return new Request(input, init);
    if (!isLightBody(init?.body)) return disposable(new Request(input, init));
    const request = new LightRequest(input, init);
    request.template = calls.template;
    return request;
  }
  const client = createClient<Paths>({
    baseUrl,
    fetch: stackFetch,
    // openapi-fetch calls `new Request(url, init)`; a function that returns an object may stand in for a class.
    Request: CallRequest as unknown as typeof Request,
    ...(querySerializer ? { querySerializer } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  wrapMalformedResponses(client as unknown as Record<string, unknown>, calls);
  if (options.throwOnError) throwOnErrors(client as unknown as Record<string, unknown>, CLIENT_METHODS);
  const runtime: BrokerRuntime = {
    config,
    environment: options.environment,
    servers,
    baseUrl,
    fetch: stackFetch,
    ownFetch,
    credentials: provider,
    throttle,
    cookieHeaderFor: (url) => stickyLayer?.cookieHeaderFor(url) ?? Promise.resolve(""),
    ensureSticky: (url, signal) => stickyLayer?.ready(url, signal) ?? Promise.resolve(),
    cache: responseCache,
  };
  const ops = features.ops && createOps(client as unknown as Record<string, unknown>, config.operations, features.ops);
  return Object.assign(client, { runtime }, ops ? { ops } : {}) as unknown as BrokerClient<Paths, Throws>;
}

/** A config that uses a feature the client was built without is a generator bug: say which. */
function need<T>(feature: T | undefined, name: string, config: ApiConfig): T {
  if (!feature) {
    throw new ConfigError(
      `${config.broker} ${config.api}: the manifest uses "${name}" but this client was built without it; regenerate it`,
    );
  }
  return feature;
}

function retryDefaults(config: ApiConfig): RetryOptions {
  return {
    attempts: config.retry.attempts,
    baseDelayMs: config.retry.baseDelayMs,
    maxDelayMs: config.retry.maxDelayMs,
  };
}

/** What the call wrappers tell CallRequest about the call being made. */
interface CallState {
  /** The Request is seen by the stack only (no openapi-fetch middleware). */
  ownRequests: boolean;
  /** An openapi-fetch middleware was registered with `use`. */
  middleware: boolean;
  /** The path template of the call. */
  template: string | undefined;
}

/**
 * openapi-fetch throws a bare SyntaxError on an unparsable 2xx body; name the call instead. The same
 * wrappers tell CallRequest which Requests only the stack will see: those of a typed call while no
 * openapi-fetch middleware (`use`, or a call's `middleware` option) is there to see them.
 */
function wrapMalformedResponses(client: Record<string, unknown>, calls: CallState): void {
  const use = client.use as (...middleware: unknown[]) => void;
  client.use = (...middleware: unknown[]) => {
    calls.middleware = true;
    use(...middleware);
  };
  for (const method of CLIENT_METHODS) {
    const original = client[method] as (path: string, ...rest: unknown[]) => Promise<unknown>;
    client[method] = (path: string, ...rest: unknown[]) => {
      // openapi-fetch builds the call's Request synchronously, before its first await.
      const options = rest[0] as { middleware?: unknown[] } | undefined;
      calls.ownRequests = !calls.middleware && !options?.middleware?.length;
      calls.template = path;
      let pending: Promise<unknown>;
      try {
        pending = original(path, ...rest);
      } catch (error) {
        return Promise.reject(error);
      } finally {
        calls.ownRequests = false;
        calls.template = undefined;
      }
      return pending.catch((error: unknown) => {
        if (error instanceof SyntaxError) {
          throw new MalformedResponseError(
            `${method} ${path}: the response body is not valid JSON (${error.message})`,
            {
              method,
              cause: error,
            },
          );
        }
        throw error;
      });
    };
  }
}
