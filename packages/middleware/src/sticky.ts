/**
 * Load-balancer stickiness (Saxo): before the first request to a service, one probe
 * (`GET <baseUrl><probe>`, no credentials) obtains the balancer's cookies; every request then
 * carries the jar's cookies and every Set-Cookie updates the jar. Probes run one at a time
 * across services, and concurrent first requests to a service share its probe. If the server
 * answers a `lostStatuses` status, or a cookie the probe set has left the jar (expired), the
 * probe runs again before the next call to that service. A lost-status answer that carries
 * `Retry-After`, or (when the rule names `lostErrorCodes`) whose body names another error, is an
 * unavailable server rather than a lost session: it goes up to the retry layer untouched, so a 503
 * storm costs no extra probes or replays.
 * Probes and every request this layer makes itself never follow a redirect to another origin.
 *
 * In a browser, scripts can neither read Set-Cookie nor send a Cookie header: the browser's own jar
 * holds the balancer's cookies. There the layer keeps no jar (tough-cookie is not loaded), and sends
 * the probe and every request of a service with `credentials: "include"`, so the browser stores and
 * sends the cookies itself (the API must answer CORS with credentials allowed). Expired cookies cannot
 * be seen, so a lost session is noticed from `lostStatuses` alone.
 */
import type { Cookie, CookieJar } from "tough-cookie";
import { abortable } from "./auth/abortable.js";
import { isDisposable } from "./compose.js";
import type { StickyRule } from "./config.js";
import { createCookieJar, storeSetCookies } from "./cookie-jar.js";
import { ConfigError, HttpError, NetworkError } from "./errors.js";
import { responseHeader } from "./header-snapshot.js";
import { copyRequest, hasBody } from "./light-request.js";
import { createOperationTable } from "./operations.js";
import { compilePattern, fillTemplate } from "./pattern.js";
import { redactUrl } from "./redact.js";
import type { CallContext, Handler, Layer, Observer } from "./types.js";

/**
 * A tough-cookie `CookieJar`, as the public types name it: structural, so that these declarations
 * type-check where tough-cookie (an optional peer) is not installed.
 */
export interface StickyJar {
  getCookieString(url: string): Promise<string>;
}

export interface StickyOptions {
  rule: StickyRule;
  /** API base URL; `rule.service` and `rule.probe` are relative to it. */
  baseUrl: string;
  /** A tough-cookie jar to share (e.g. with a streaming connection). Default: a new in-memory one. */
  jar?: StickyJar;
  /**
   * Leave cookies to the platform's own jar (`credentials: "include"`), as a browser must. Default:
   * true exactly where a script cannot set a Cookie header (browsers), false elsewhere.
   */
  platformCookies?: boolean;
  observer?: Observer;
}

export interface StickyLayer extends Layer {
  /** The Cookie header the jar holds for `url`, for connections made outside fetch (WebSocket). */
  cookieHeaderFor(url: string): Promise<string>;
  /**
   * Makes sure the service of `url` has had its one probe (running it now if needed), e.g. before a
   * streaming connection that needs the service's cookies. Resolves at once for a URL outside any service.
   */
  ready(url: string, signal?: AbortSignal): Promise<void>;
  /** The layer's tough-cookie `CookieJar`. */
  jar(): Promise<StickyJar>;
}

interface ServiceState {
  ready: boolean;
  /** Incremented by every successful probe, so a stale "lost" answer cannot undo a newer probe. */
  generation: number;
  pending: Promise<void> | undefined;
  /** Cookies the last probe set: when one leaves the jar, stickiness is lost. */
  probeCookies: { key: string; domain: string | null; path: string | null }[];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Bounds the memo when URLs carry ids: it starts over rather than grow. */
const MAX_MEMOISED_URLS = 256;

/** A URL's cookies as the jar returned them (sorted), the Cookie header made of them, and the jar version they came from. */
interface UrlCookies {
  version: number;
  cookies: Cookie[];
  header: string;
  /**
   * A service whose probe cookies are known to be among `cookies`. A probe replaces a service's
   * probe cookies only together with a new jar version, which retires this entry.
   */
  holdsProbeCookiesOf?: ServiceState;
  /** When liveAndTouched last checked and touched the cookies, and the earliest expiry it found. */
  touchedAt: number;
  liveUntil: number;
}

/** A URL without its query and fragment: cookies do not depend on them. */
function memoKey(url: string): string {
  const query = url.search(/[?#]/);
  return query < 0 ? url : url.slice(0, query);
}

const asIs = (response: Response): Response => response;

/** How long a memoised URL's cookies count as touched: calls within it skip the expiry check and the touch. */
const TOUCH_EVERY_MS = 1000;

/**
 * True when none of the entry's cookies has expired; then marks them accessed now, as a jar query would.
 * The jar measures Max-Age from the last access, so touching them keeps the jar's own notion of expiry.
 * Done at most once a second per URL: until the earliest expiry found then, and within the second,
 * nothing can have expired, and a last access up to a second old moves Max-Age expiry by as much.
 */
function liveAndTouched(entry: UrlCookies): boolean {
  const now = Date.now();
  if (now < entry.liveUntil && now - entry.touchedAt < TOUCH_EVERY_MS) return true;
  for (const cookie of entry.cookies) {
    const expiry = cookie.expiryTime();
    if (expiry !== undefined && expiry <= now) return false;
  }
  const accessed = new Date(now);
  let liveUntil = Number.POSITIVE_INFINITY;
  for (const cookie of entry.cookies) {
    cookie.lastAccessed = accessed;
    liveUntil = Math.min(liveUntil, cookie.expiryTime() ?? Number.POSITIVE_INFINITY);
  }
  entry.touchedAt = now;
  entry.liveUntil = liveUntil;
  return true;
}

/** True where fetch forbids a script's Cookie header (a browser), so only the platform's jar can hold cookies. */
export function platformOwnsCookies(): boolean {
  return !new Request("http://localhost/", { headers: { cookie: "probe=1" } }).headers.has("cookie");
}

/** The request sent with the browser's cookies (credentials: "include"). */
function withBrowserCookies(request: Request): Request {
  return request.credentials === "include" ? request : copyRequest(request, { credentials: "include" });
}

export function sticky(options: StickyOptions): StickyLayer {
  const { rule, observer } = options;
  const browserCookies = options.platformCookies ?? platformOwnsCookies();
  if (browserCookies && options.jar) {
    throw new ConfigError("sticky: a jar cannot be used with platformCookies (the browser keeps the cookies)");
  }
  if (!rule.service.includes("{service}")) {
    throw new ConfigError(`sticky: rule.service "${rule.service}" must capture {service}`);
  }
  const matchService = compilePattern(rule.service);
  const lostStatuses = new Set(rule.lostStatuses);
  const lostErrorCodes =
    rule.lostErrorCodes && rule.lostErrorCodes.length > 0 ? new Set(rule.lostErrorCodes) : undefined;

  /** Whether a lost-status answer really says the session is gone (see the header comment). */
  async function sessionLost(response: Response): Promise<boolean> {
    if (!lostStatuses.has(response.status) || response.headers.has("retry-after")) return false;
    if (!lostErrorCodes) return true;
    const body = await response
      .clone()
      .json()
      .catch(() => undefined);
    const code = body && typeof body === "object" ? (body as { ErrorCode?: unknown }).ErrorCode : undefined;
    return typeof code === "string" && lostErrorCodes.has(code);
  }
  const base = options.baseUrl.replace(/\/+$/, "");
  const paths = createOperationTable([], options.baseUrl);
  const services = new Map<string, ServiceState>();
  let jarPromise: Promise<CookieJar> | undefined;
  const getJar = () => {
    jarPromise ??= options.jar ? Promise.resolve(options.jar as CookieJar) : createCookieJar();
    return jarPromise;
  };
  // The cookies of a URL, memoised per URL (query left out) until this layer stores a cookie or one
  // of them expires: a jar query costs more than all the other sticky work of a call. Only while the
  // jar is this layer's alone; once it is shared (options.jar, jar()), others may change it unseen.
  let jarVersion = 0;
  let jarShared = options.jar !== undefined;
  const memo = new Map<string, UrlCookies>();

  /** The memoised cookies of `url`, when they are still what the jar would answer. */
  function memoisedCookies(url: string): UrlCookies | undefined {
    if (jarShared) return undefined;
    const hit = memo.get(memoKey(url));
    return hit && hit.version === jarVersion && liveAndTouched(hit) ? hit : undefined;
  }

  async function cookiesFor(url: string): Promise<UrlCookies> {
    const hit = memoisedCookies(url);
    if (hit) return hit;
    const key = memoKey(url);
    const version = jarVersion;
    const cookies = await (await getJar()).getCookies(url, { sort: true });
    // Just read from the jar, which touched them: the first memo hit checks them again.
    const entry: UrlCookies = {
      version,
      cookies,
      header: cookies.map((c) => c.cookieString()).join("; "),
      touchedAt: Number.NEGATIVE_INFINITY,
      liveUntil: Number.NEGATIVE_INFINITY,
    };
    if (!jarShared) {
      if (memo.size >= MAX_MEMOISED_URLS) memo.clear();
      memo.set(key, entry);
    }
    return entry;
  }
  // Probes are serialized across services: Saxo asks for them once and not concurrently.
  let probeQueue: Promise<unknown> = Promise.resolve();

  const stateOf = (service: string): ServiceState => {
    let state = services.get(service);
    if (!state) {
      state = { ready: false, generation: 0, pending: undefined, probeCookies: [] };
      services.set(service, state);
    }
    return state;
  };

  const holdsProbeCookies = (state: ServiceState, cookies: readonly Cookie[]) =>
    state.probeCookies.every((wanted) =>
      cookies.some((c) => c.key === wanted.key && c.domain === wanted.domain && c.path === wanted.path),
    );

  async function probeCookiesPresent(jar: CookieJar, state: ServiceState, url: string): Promise<boolean> {
    if (state.probeCookies.length === 0) return true;
    return holdsProbeCookies(state, await jar.getCookies(url, { allPaths: true }));
  }

  /**
   * The Cookie header for a call to a ready service, from one jar query that also shows the probe's
   * cookies are still there; undefined when the service needs ensureReady (not ready, or a probe
   * cookie is not among the URL's cookies, e.g. expired).
   */
  async function readyCookieHeader(state: ServiceState, url: string): Promise<string | undefined> {
    if (!state.ready || state.pending) return undefined;
    if (browserCookies) return "";
    const { cookies, header } = await cookiesFor(url);
    return holdsProbeCookies(state, cookies) ? header : undefined;
  }

  async function probe(service: string, state: ServiceState, next: Handler): Promise<void> {
    const jar = browserCookies ? undefined : await getJar();
    const url = base + fillTemplate(rule.probe, { service });
    // A fresh request: no Authorization, no Cookie, so the balancer makes a fresh assignment.
    const request = new Request(url, { method: "GET", ...(browserCookies ? { credentials: "include" } : {}) });
    let response: Response;
    try {
      response = await next(request, { attempt: 1, sameOriginRedirects: true });
    } catch (cause) {
      observer?.({ type: "probe", service, url: redactUrl(url) });
      throw new NetworkError(`sticky: probe GET ${redactUrl(url)} for service "${service}" failed`, {
        method: "GET",
        url,
        cause,
      });
    }
    await response.arrayBuffer().catch(() => undefined);
    const stored = jar ? await storeSetCookies(jar, response, response.url || url) : [];
    jarVersion++;
    observer?.({ type: "probe", service, url: redactUrl(url), status: response.status });
    if (!response.ok) {
      throw new HttpError(`sticky: probe GET ${redactUrl(url)} for service "${service}" answered ${response.status}`, {
        method: "GET",
        url,
        status: response.status,
      });
    }
    state.probeCookies = stored.map((c) => ({ key: c.key, domain: c.domain, path: c.path }));
  }

  async function ensureReady(service: string, next: Handler, signal: AbortSignal | undefined): Promise<void> {
    const state = stateOf(service);
    if (!state.pending && state.ready && browserCookies) return;
    if (!state.pending && state.ready) {
      const jar = await getJar();
      if (await probeCookiesPresent(jar, state, base + fillTemplate(rule.probe, { service }))) {
        if (state.ready) return;
      } else state.ready = false;
    }
    if (!state.pending) {
      const run = probeQueue.then(() => probe(service, state, next));
      probeQueue = run.catch(() => undefined);
      // A failed probe is not remembered: the next call probes again.
      state.pending = run.then(
        () => {
          state.ready = true;
          state.generation++;
          state.pending = undefined;
        },
        (error: unknown) => {
          state.pending = undefined;
          throw error;
        },
      );
    }
    return abortable(state.pending, signal);
  }

  // The last path's service: calls to one endpoint repeat it.
  let lastPath: string | undefined;
  let lastService: string | undefined;
  const serviceOf = (url: string): string | undefined => {
    const path = paths.relativePath(url);
    if (path === undefined) return undefined;
    if (path !== lastPath) {
      lastService = matchService(path)?.service;
      lastPath = path;
    }
    return lastService;
  };

  /**
   * Where this layer keeps the caller's own Cookie header ("" for none) on a disposable request whose
   * Cookie it set in place: a property under a symbol of its own, cheaper per call than a WeakMap entry.
   */
  const callerCookie = Symbol("brokerkit.sticky.callerCookie");
  type Remembering = Request & { [callerCookie]?: string };

  /** The request with the caller's own Cookie first, then the jar's; set in place when the request is disposable. */
  function withCookies(request: Remembering, fromJar: string): Request {
    const current = request.headers.get("cookie") ?? "";
    const remembered = request[callerCookie];
    const own = remembered ?? current;
    const cookie = own ? (fromJar ? `${own}; ${fromJar}` : own) : fromJar;
    if (cookie === current) return request;
    if (isDisposable(request)) {
      if (remembered === undefined) request[callerCookie] = own;
      if (cookie) request.headers.set("cookie", cookie);
      else request.headers.delete("cookie");
      return request;
    }
    const headers = new Headers(request.headers);
    headers.set("cookie", cookie);
    return copyRequest(request, { headers });
  }

  // The inner handler the layer was composed with, so `ready()` can probe outside a call.
  let composedNext: Handler | undefined;

  const layer: Layer = (next) => {
    composedNext = next;
    /**
     * Sends with the jar's cookies (`fromJar` when the caller just read them), stores any Set-Cookie, then
     * hands the answer to `settle` in the same promise callback (one hop per call, not one per check).
     */
    const send = (
      request: Request,
      context: CallContext,
      fromJar?: string,
      settle: (response: Response) => Response | Promise<Response> = asIs,
    ): Promise<Response> => {
      if (browserCookies) return next(withBrowserCookies(request), context).then(settle);
      if (fromJar === undefined)
        return cookiesFor(request.url).then((cookies) => send(request, context, cookies.header, settle));
      return next(withCookies(request, fromJar), context).then((response) =>
        responseHeader(response, "set-cookie") !== null ? stored(response, request).then(settle) : settle(response),
      );
    };
    const stored = async (response: Response, request: Request): Promise<Response> => {
      await storeSetCookies(await getJar(), response, response.url || request.url);
      // Even a Set-Cookie that was refused or that deletes may have changed what the jar holds.
      jarVersion++;
      return response;
    };
    const markLost = (service: string, generation: number) => {
      const state = stateOf(service);
      if (state.generation === generation) state.ready = false;
    };

    /** A call to a sticky service, `fromJar` its cookies when already known to be ready. */
    const call = (request: Request, context: CallContext, service: string, fromJar: string): Promise<Response> => {
      const replayable =
        lostStatuses.size > 0 && (SAFE_METHODS.has(request.method) || context.idempotencyKey !== undefined);
      // A bodiless request can be sent again as it is; one with a body is cloned before its body is read.
      const spare = replayable ? (hasBody(request) ? request.clone() : request) : undefined;
      const generation = stateOf(service).generation;
      // Most answers are no lost-session status: decided without an async frame.
      return send(request, context, fromJar, (response) =>
        lostStatuses.has(response.status) ? afterLostStatus(response, context, service, spare, generation) : response,
      );
    };
    const afterLostStatus = async (
      response: Response,
      context: CallContext,
      service: string,
      spare: Request | undefined,
      generation: number,
    ): Promise<Response> => {
      if (!(await sessionLost(response))) return response;
      markLost(service, generation);
      if (!spare) return response;
      await response.body?.cancel();
      await ensureReady(service, next, context.signal ?? spare.signal);
      const replayGeneration = stateOf(service).generation;
      const replayed = await send(spare, context);
      if (await sessionLost(replayed)) markLost(service, replayGeneration);
      return replayed;
    };
    /** A call whose service may need its probe first, or whose cookies the jar must be asked for. */
    const callWhenReady = async (request: Request, context: CallContext, service: string): Promise<Response> => {
      const fromJar = await readyCookieHeader(stateOf(service), request.url);
      if (fromJar === undefined) await ensureReady(service, next, context.signal ?? request.signal);
      // (In a browser the browser's jar adds the cookies: there is none to read.)
      const cookies = fromJar ?? (browserCookies ? "" : (await cookiesFor(request.url)).header);
      return call(request, context, service, cookies);
    };

    return (request, context) => {
      // The URL, not context.operation, decides: it is what is actually sent (after route rewrites).
      const service = serviceOf(request.url);
      if (service === undefined) return browserCookies ? next(request, context) : send(request, context);
      if (browserCookies) return callWhenReady(request, context, service);
      // A ready service whose cookies are memoised and still hold the probe's: no jar query, no async frame.
      const state = stateOf(service);
      const memoised = state.ready && !state.pending ? memoisedCookies(request.url) : undefined;
      if (memoised && (memoised.holdsProbeCookiesOf === state || holdsProbeCookies(state, memoised.cookies))) {
        memoised.holdsProbeCookiesOf = state;
        return call(request, context, service, memoised.header);
      }
      return callWhenReady(request, context, service);
    };
  };

  return Object.assign(layer, {
    // In a browser the WebSocket handshake carries the browser's cookies by itself.
    cookieHeaderFor: async (url: string) => (browserCookies ? "" : (await getJar()).getCookieString(url)),
    ready: async (url: string, signal?: AbortSignal) => {
      const service = serviceOf(url);
      if (service === undefined) return;
      if (!composedNext) throw new ConfigError("sticky: ready() needs the layer to be composed into a stack first");
      await ensureReady(service, composedNext, signal);
    },
    jar: () => {
      if (browserCookies) {
        return Promise.reject(
          new ConfigError("sticky: in a browser the cookies are in the browser's jar, not readable"),
        );
      }
      jarShared = true;
      memo.clear();
      return getJar();
    },
  });
}
