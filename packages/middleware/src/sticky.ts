/**
 * Load-balancer stickiness (Saxo): before the first request to a service, one probe
 * (`GET <baseUrl><probe>`, no credentials) obtains the balancer's cookies; every request then
 * carries the jar's cookies and every Set-Cookie updates the jar. Probes run one at a time
 * across services, and concurrent first requests to a service share its probe. If the server
 * answers a `lostStatuses` status, or a cookie the probe set has left the jar (expired), the
 * probe runs again before the next call to that service.
 */
import type { CookieJar } from "tough-cookie";
import { abortable } from "./auth/abortable.js";
import type { StickyRule } from "./config.js";
import { cookieHeaderWith, createCookieJar, storeSetCookies } from "./cookie-jar.js";
import { ConfigError, HttpError, NetworkError } from "./errors.js";
import { createOperationTable } from "./operations.js";
import { compilePattern, fillTemplate } from "./pattern.js";
import { redactUrl } from "./redact.js";
import type { CallContext, Handler, Layer, Observer } from "./types.js";

export interface StickyOptions {
  rule: StickyRule;
  /** API base URL; `rule.service` and `rule.probe` are relative to it. */
  baseUrl: string;
  /** A jar to share (e.g. with a streaming connection). Default: a new in-memory tough-cookie jar. */
  jar?: CookieJar;
  observer?: Observer;
}

export interface StickyLayer extends Layer {
  /** The Cookie header the jar holds for `url`, for connections made outside fetch (WebSocket). */
  cookieHeaderFor(url: string): Promise<string>;
  jar(): Promise<CookieJar>;
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

export function sticky(options: StickyOptions): StickyLayer {
  const { rule, observer } = options;
  if (!rule.service.includes("{service}")) {
    throw new ConfigError(`sticky: rule.service "${rule.service}" must capture {service}`);
  }
  const matchService = compilePattern(rule.service);
  const lostStatuses = new Set(rule.lostStatuses);
  const base = options.baseUrl.replace(/\/+$/, "");
  const paths = createOperationTable([], options.baseUrl);
  const services = new Map<string, ServiceState>();
  let jarPromise: Promise<CookieJar> | undefined;
  const getJar = () => {
    jarPromise ??= options.jar ? Promise.resolve(options.jar) : createCookieJar();
    return jarPromise;
  };
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

  async function probeCookiesPresent(jar: CookieJar, state: ServiceState, url: string): Promise<boolean> {
    if (state.probeCookies.length === 0) return true;
    const present = await jar.getCookies(url, { allPaths: true });
    return state.probeCookies.every((wanted) =>
      present.some((c) => c.key === wanted.key && c.domain === wanted.domain && c.path === wanted.path),
    );
  }

  async function probe(service: string, state: ServiceState, next: Handler): Promise<void> {
    const jar = await getJar();
    const url = base + fillTemplate(rule.probe, { service });
    // A fresh request: no Authorization, no Cookie, so the balancer makes a fresh assignment.
    const request = new Request(url, { method: "GET" });
    let response: Response;
    try {
      response = await next(request, { attempt: 1 });
    } catch (cause) {
      observer?.({ type: "probe", service, url: redactUrl(url) });
      throw new NetworkError(`sticky: probe GET ${redactUrl(url)} for service "${service}" failed`, {
        method: "GET",
        url,
        cause,
      });
    }
    await response.arrayBuffer().catch(() => undefined);
    const stored = await storeSetCookies(jar, response, response.url || url);
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

  const serviceOf = (url: string): string | undefined => {
    const path = paths.relativePath(url);
    return path === undefined ? undefined : matchService(path)?.service;
  };

  const layer: Layer = (next) => {
    const send = async (request: Request, context: CallContext) => {
      const jar = await getJar();
      const own = request.headers.get("cookie");
      const cookie = await cookieHeaderWith(jar, request.url, own);
      let outgoing = request;
      if (cookie && cookie !== own) {
        const headers = new Headers(request.headers);
        headers.set("cookie", cookie);
        outgoing = new Request(request, { headers });
      }
      const response = await next(outgoing, context);
      await storeSetCookies(jar, response, response.url || request.url);
      return response;
    };
    const markLost = (service: string, generation: number) => {
      const state = stateOf(service);
      if (state.generation === generation) state.ready = false;
    };

    return async (request, context) => {
      // The URL, not context.operation, decides: it is what is actually sent (after route rewrites).
      const service = serviceOf(request.url);
      if (service === undefined) return send(request, context);
      const signal = context.signal ?? request.signal;
      await ensureReady(service, next, signal);
      const replayable =
        lostStatuses.size > 0 && (SAFE_METHODS.has(request.method) || context.idempotencyKey !== undefined);
      const spare = replayable ? request.clone() : undefined;
      const generation = stateOf(service).generation;
      const response = await send(request, context);
      if (!lostStatuses.has(response.status)) return response;
      markLost(service, generation);
      if (!spare) return response;
      await response.body?.cancel();
      await ensureReady(service, next, signal);
      const replayGeneration = stateOf(service).generation;
      const replayed = await send(spare, context);
      if (lostStatuses.has(replayed.status)) markLost(service, replayGeneration);
      return replayed;
    };
  };

  return Object.assign(layer, {
    cookieHeaderFor: async (url: string) => (await getJar()).getCookieString(url),
    jar: getJar,
  });
}
