/**
 * A cache for static reference data, declared in the manifest (`cache.routes`): a 2xx answer to one
 * of those GET routes is kept per full URL (query included) and per credential, and served again
 * without sending anything until the next trading-session boundary (`sessionBoundaryUtc`). It sits
 * just inside operation matching, so a hit takes no throttle slot and needs no token. Optionally it
 * persists to a JSON file (cache-file.ts), so a restarted process does not download again; processes
 * sharing the file merge their answers into it.
 */
import { base64url } from "./base64.js";
import type { CachedAnswer } from "./cache-file.js";
import type { CacheRule } from "./config.js";
import { ConfigError } from "./errors.js";
import { notify } from "./notify.js";
import { compilePattern, type PathMatcher } from "./pattern.js";
import { redactUrl } from "./redact.js";
import { sha256 } from "./sha256.js";
import type { CallContext, Handler, Layer, Observer } from "./types.js";

export interface CacheOptions {
  /** Which routes are static and when their answers expire (from the manifest). */
  rule: CacheRule;
  /** Persist answers to this JSON file and read them back at the first cacheable call. */
  file?: string;
  /** Most answers kept; the least recently used goes first. Default 1000. */
  maxEntries?: number;
  /** Overrides the rule's session boundary, `HH:MM` UTC. */
  sessionBoundaryUtc?: string;
  /** Wall clock, epoch ms. Default `Date.now`; tests inject one to cross a boundary. */
  now?: () => number;
  observer?: Observer;
}

export interface CacheStats {
  /** Answers held in memory (expired ones included until they are next looked up). */
  entries: number;
}

export interface ResponseCache {
  layer: Layer;
  /**
   * Forgets every stored answer, or those of one route, named as in the manifest
   * (`GET /md/v2/Securities`, or just the template). The next call downloads again.
   */
  invalidate(route?: string): void;
  /** Resolves once the file (if any) holds every change made so far. */
  flush(): Promise<void>;
  stats(): CacheStats;
}

const DEFAULT_MAX_ENTRIES = 1000;
const DAY_MS = 86_400_000;
/** Headers that describe the original transfer, not the stored bytes, or that must never be replayed or persisted. */
const DROPPED_HEADERS = new Set([
  "set-cookie",
  "content-encoding",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
]);

const NULL_BODY_STATUSES = new Set([204, 205]);

interface CompiledRoute {
  /** As written in the manifest, normalised to `GET /template`. */
  name: string;
  template: string;
  match: PathMatcher;
}

/** The layer alone, for stacks that need no handle on the cache. */
export function cache(options: CacheOptions): Layer {
  return createCache(options).layer;
}

export function createCache(options: CacheOptions): ResponseCache {
  const routes = compileRoutes(options.rule.routes);
  /** The first route of each template: a matched operation finds its route in one lookup. */
  const routeByTemplate = new Map<string, CompiledRoute>();
  for (const route of routes) if (!routeByTemplate.has(route.template)) routeByTemplate.set(route.template, route);
  const boundary = parseBoundary(options.sessionBoundaryUtc ?? options.rule.sessionBoundaryUtc);
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigError(`cache: maxEntries must be a whole number ≥ 1, got ${String(maxEntries)}`);
  }
  const now = options.now ?? Date.now;
  const { file, observer } = options;

  /** Insertion order is recency order: the first key is the least recently used. */
  const answers = new Map<string, CachedAnswer>();
  /** Misses in flight, so concurrent identical calls download once. */
  const inflight = new Map<string, Promise<unknown>>();
  /** Bumped by invalidate(); an answer fetched under an older generation is not stored. */
  const generations = new Map<string, number>(routes.map((route) => [route.name, 0]));
  /** When each route was last invalidated: older answers in the file, another process's included, go too. */
  const invalidatedAt = new Map<string, number>();
  let loading: Promise<void> | undefined;
  let writing: Promise<void> | undefined;
  let dirty = false;

  const expiresAt = (answer: CachedAnswer) => nextSessionBoundary(answer.storedAt, boundary);
  const isFresh = (answer: CachedAnswer, at: number) => at >= answer.storedAt && at < expiresAt(answer);

  function report(reason: string): void {
    if (file) notify(observer, { type: "cache.error", file, reason });
  }

  function ensureLoaded(): Promise<void> {
    loading ??= file ? load(file) : Promise.resolve();
    return loading;
  }

  async function load(path: string): Promise<void> {
    const { loadCacheFile } = await loadFileStore();
    const outcome = await loadCacheFile(path);
    if (outcome.kind === "missing") return;
    if (outcome.kind === "unreadable") {
      report(`ignored the cache file: ${outcome.reason}`);
      return;
    }
    const at = now();
    for (const answer of outcome.answers) {
      const route = routes.find((r) => r.name === answer.route);
      // Rules the manifest no longer declares, answers of an earlier session, and routes invalidated
      // before the file was read are left out.
      if (!route || !isFresh(answer, at) || generations.get(route.name) !== 0) continue;
      if (!answers.has(answer.key)) remember(answer.key, answer);
    }
    const { skipped } = outcome;
    if (skipped > 0) report(`ignored ${skipped} malformed ${skipped === 1 ? "entry" : "entries"} of the cache file`);
  }

  function remember(key: string, answer: CachedAnswer): void {
    answers.delete(key);
    answers.set(key, answer);
    while (answers.size > maxEntries) {
      const oldest = answers.keys().next().value;
      if (oldest === undefined) break;
      answers.delete(oldest);
    }
  }

  function lookup(key: string): CachedAnswer | undefined {
    const answer = answers.get(key);
    if (!answer) return undefined;
    if (!isFresh(answer, now())) {
      answers.delete(key);
      return undefined;
    }
    remember(key, answer);
    return answer;
  }

  function persist(): void {
    if (!file) return;
    dirty = true;
    writing ??= drain(file);
  }

  /** Writes until nothing changed during the last write; one writer at a time. */
  async function drain(path: string): Promise<void> {
    try {
      await ensureLoaded();
      while (dirty) {
        dirty = false;
        const at = now();
        const fresh = [...answers.values()].filter((answer) => isFresh(answer, at));
        // Another process's answers in the file are merged in when this one would serve them.
        const keep = (answer: CachedAnswer) =>
          routes.some((route) => route.name === answer.route) &&
          isFresh(answer, at) &&
          answer.storedAt > (invalidatedAt.get(answer.route) ?? Number.NEGATIVE_INFINITY);
        try {
          const { writeCacheFile } = await loadFileStore();
          await writeCacheFile(path, fresh, { maxEntries, keep });
        } catch (error) {
          report(`could not write the cache file: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      writing = undefined;
    }
  }

  function routeOf(request: Request, context: CallContext): CompiledRoute | undefined {
    if (request.method.toUpperCase() !== "GET") return undefined;
    // With an operation table, the matched template decides: `/Securities/{symbols}/quotes` must not
    // pass for `/Securities/{exchange}/{symbol}`. Alone, the URL's path is matched against the rules.
    const operation = context.operation;
    if (operation) return routeByTemplate.get(operation.template);
    const path = new URL(request.url).pathname;
    return routes.find((route) => route.match(path) !== null);
  }

  const layer: Layer = (next: Handler): Handler => {
    // A call the cache does not serve goes on at once, without an async frame of its own.
    const handler: Handler = (request, context) => {
      const route = routeOf(request, context);
      // `no-store` bypasses the cache; `reload` and `no-cache` download again and store the answer.
      if (!route || request.cache === "no-store") return next(request, context);
      return cached(request, context, route);
    };
    const cached = async (request: Request, context: CallContext, route: CompiledRoute): Promise<Response> => {
      await ensureLoaded();
      const identity = context.identity ?? "anonymous";
      const url = normaliseUrl(request.url);
      const key = keyOf(identity, url);
      const label = `GET ${redactUrl(request.url)}`;
      const useStored = request.cache !== "reload" && request.cache !== "no-cache";

      if (useStored) {
        const pending = inflight.get(key);
        if (pending) await pending;
        const stored = lookup(key);
        if (stored) {
          if (request.signal.aborted) throw request.signal.reason;
          notify(observer, { type: "cache.hit", key: label });
          return toResponse(stored, true);
        }
      }
      notify(observer, { type: "cache.miss", key: label });
      const generation = generations.get(route.name);
      const download = (async () => {
        const response = await next(request, context);
        if (response.status < 200 || response.status > 299) return response;
        const answer: CachedAnswer = {
          key,
          route: route.name,
          url: redactUrl(request.url),
          status: response.status,
          statusText: response.statusText,
          headers: keptHeaders(response.headers),
          body: new Uint8Array(await response.arrayBuffer()),
          storedAt: now(),
        };
        if (generations.get(route.name) === generation) {
          remember(key, answer);
          notify(observer, { type: "cache.store", key: label });
          persist();
        }
        return toResponse(answer, false);
      })();
      const settled = download.then(
        () => undefined,
        () => undefined,
      );
      inflight.set(key, settled);
      try {
        return await download;
      } finally {
        if (inflight.get(key) === settled) inflight.delete(key);
      }
    };
    return handler;
  };

  return {
    layer,
    invalidate(route) {
      const chosen = route === undefined ? routes : [findRoute(routes, route)];
      const names = new Set(chosen.map((r) => r.name));
      for (const name of names) generations.set(name, (generations.get(name) ?? 0) + 1);
      for (const name of names) invalidatedAt.set(name, now());
      for (const [key, answer] of answers) if (names.has(answer.route)) answers.delete(key);
      persist();
    },
    async flush() {
      await ensureLoaded();
      while (writing) await writing;
    },
    stats: () => ({ entries: answers.size }),
  };
}

/**
 * The first instant strictly after `epochMs` at which the UTC clock reads `boundary` (`HH:MM`), in
 * epoch ms: an answer stored at `epochMs` expires then.
 */
export function nextSessionBoundary(epochMs: number, boundary: string | { hours: number; minutes: number }): number {
  const { hours, minutes } = typeof boundary === "string" ? parseBoundary(boundary) : boundary;
  const day = Math.floor(epochMs / DAY_MS) * DAY_MS;
  const today = day + hours * 3_600_000 + minutes * 60_000;
  return today > epochMs ? today : today + DAY_MS;
}

function parseBoundary(text: string): { hours: number; minutes: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) {
    throw new ConfigError(`cache: sessionBoundaryUtc must be a UTC time of day "HH:MM" (00:00–23:59), got "${text}"`);
  }
  return { hours: Number(match[1]), minutes: Number(match[2]) };
}

function compileRoutes(declared: readonly string[]): CompiledRoute[] {
  return declared.map((text, index) => {
    const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text);
    if (!match) {
      throw new ConfigError(`cache: routes[${index}] must read "GET /path/template", got "${text}"`);
    }
    const method = (match[1] as string).toUpperCase();
    if (method !== "GET") {
      throw new ConfigError(`cache: routes[${index}] "${text}" is not a GET route; only GET answers are cached`);
    }
    const template = match[2] as string;
    return { name: `GET ${template}`, template, match: compilePattern(template) };
  });
}

function findRoute(routes: readonly CompiledRoute[], wanted: string): CompiledRoute {
  const text = wanted.trim();
  const found = routes.find((route) => route.name === text || route.template === text || route.name === `GET ${text}`);
  if (found) return found;
  const known = routes.map((route) => `"${route.name}"`).join(", ");
  throw new ConfigError(`cache.invalidate: "${wanted}" is not a cached route (cached routes: ${known || "none"})`);
}

/** The URL with its query parameters sorted (stable for repeated names) and no fragment. */
function normaliseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.sort();
  parsed.hash = "";
  return parsed.toString();
}

/** A digest, so that the key (kept in memory and in the file) holds no token a URL may carry. */
const keyOf = (identity: string, url: string) => base64url(sha256(`${identity}\u0000${url}`));

/**
 * The file store needs node:fs, so it is the Node-only subpath `@brokerkit/middleware/file-cache`,
 * loaded on first use: browser and edge bundles never see it. The specifier is assembled at run time
 * so that bundlers do not follow it; Node resolves it (ESM or CJS) through the package's own `exports`.
 */
let fileStore: Promise<typeof import("./file-cache.js")> | undefined;
function loadFileStore(): Promise<typeof import("./file-cache.js")> {
  fileStore ??= import(["@brokerkit", "middleware", "file-cache"].join("/")) as Promise<
    typeof import("./file-cache.js")
  >;
  return fileStore;
}

function keptHeaders(headers: Headers): [string, string][] {
  const kept: [string, string][] = [];
  for (const [name, value] of headers) if (!DROPPED_HEADERS.has(name)) kept.push([name, value]);
  return kept;
}

/** A fresh Response per call: bodies can be read once, and the stored bytes must never be shared. */
function toResponse(answer: CachedAnswer, hit: boolean): Response {
  const headers = new Headers(answer.headers);
  if (hit) headers.set("x-brokerkit-cache", "hit");
  // 204 and 205 answers must be built without a body.
  const body = NULL_BODY_STATUSES.has(answer.status) ? null : answer.body.slice();
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers });
}
