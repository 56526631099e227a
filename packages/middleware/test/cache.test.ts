/**
 * The reference-data cache against a real 127.0.0.1 server: hits send nothing and return a fresh
 * Response each time; keys are the full URL and the credential; answers expire at the session
 * boundary of an injected clock; invalidate, the LRU bound, single flight, and the JSON file
 * (atomic writes, restart without a download, corrupt files reported and ignored).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { type CacheOptions, createCache, nextSessionBoundary } from "../src/cache.js";
import { createBrokerClient } from "../src/client.js";
import { compose, fromFetch, toFetch } from "../src/compose.js";
import type { ApiConfig, CacheRule } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { createOperationTable, matchOperations } from "../src/operations.js";

const RULE: CacheRule = {
  routes: ["GET /md/v2/Securities", "GET /md/v2/Securities/{exchange}/{symbol}"],
  sessionBoundaryUtc: "03:30",
};
/** 2025-03-10 03:00 UTC: half an hour before the boundary. */
const MORNING = Date.UTC(2025, 2, 10, 3, 0);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  // Last registered first: pending cache-file writes finish before their directory is removed.
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** A server that answers every GET with a counter, and 404 under /missing. */
async function catalogueServer(): Promise<RunningServer> {
  let served = 0;
  const server = await startServer((req, res) => {
    if (req.path.startsWith("/missing")) return sendJson(res, 404, { message: "no such instrument" });
    served++;
    sendJson(res, 200, { served, path: req.path, query: req.url.search }, { "x-served": String(served) });
  });
  cleanup.push(() => server.close());
  return server;
}

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "brokerkit-cache-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Harness {
  get(path: string, init?: RequestInit & { identity?: string }): Promise<Response>;
  events: MiddlewareEvent[];
  cache: ReturnType<typeof createCache>;
}

/** The cache alone over fetch, with a settable clock. */
function harness(server: RunningServer, options: Partial<CacheOptions> = {}, clock = { now: MORNING }): Harness {
  const events: MiddlewareEvent[] = [];
  const cache = createCache({ rule: RULE, now: () => clock.now, observer: (e) => events.push(e), ...options });
  cleanup.push(() => cache.flush());
  const handler = compose(fromFetch(), [cache.layer]);
  return {
    events,
    cache,
    get(path, init = {}) {
      const { identity, ...rest } = init;
      return toFetch(handler, () => (identity ? { identity } : {}))(new Request(`${server.url}${path}`, rest));
    },
  };
}

const served = (response: Response) => response.headers.get("x-served");

describe("cache", () => {
  it("serves a stored 2xx answer without a request, as a fresh Response each time, and reports hit/miss/store", async () => {
    const server = await catalogueServer();
    const { get, events } = harness(server);
    const first = await get("/md/v2/Securities?query=SBER");
    expect(await first.json()).toMatchObject({ served: 1 });
    const second = await get("/md/v2/Securities?query=SBER");
    const third = await get("/md/v2/Securities?query=SBER");
    expect(server.arrivals).toHaveLength(1);
    expect(second).not.toBe(third);
    expect(await second.json()).toMatchObject({ served: 1, query: "?query=SBER" });
    // The stored bytes are not consumed by an earlier hit.
    expect(await third.json()).toMatchObject({ served: 1 });
    expect(second.status).toBe(200);
    expect(second.headers.get("content-type")).toMatch(/json/);
    expect(second.headers.get("x-brokerkit-cache")).toBe("hit");
    expect(events.map((e) => e.type)).toEqual(["cache.miss", "cache.store", "cache.hit", "cache.hit"]);
    expect(events[0]).toMatchObject({ key: `GET ${server.url}/md/v2/Securities?query=SBER` });
  });

  it("keys by full URL (query included, parameter order ignored) and by credential identity", async () => {
    const server = await catalogueServer();
    const { get } = harness(server);
    await get("/md/v2/Securities?query=SBER&limit=5");
    expect(served(await get("/md/v2/Securities?limit=5&query=SBER"))).toBe("1");
    expect(served(await get("/md/v2/Securities?query=SBER&limit=6"))).toBe("2");
    expect(served(await get("/md/v2/Securities/MOEX/SBER"))).toBe("3");
    expect(served(await get("/md/v2/Securities/MOEX/SBER", { identity: "user-b" }))).toBe("4");
    expect(served(await get("/md/v2/Securities/MOEX/SBER", { identity: "user-b" }))).toBe("4");
    expect(server.arrivals).toHaveLength(4);
  });

  it("leaves other routes, other methods and non-2xx answers alone", async () => {
    const server = await catalogueServer();
    const { get, events } = harness(server, {
      rule: { ...RULE, routes: [...RULE.routes, "GET /missing/{symbol}"] },
    });
    await get("/md/v2/time");
    await get("/md/v2/time");
    await get("/md/v2/Securities", { method: "POST", body: "{}" });
    await get("/md/v2/Securities", { method: "POST", body: "{}" });
    expect((await get("/missing/XYZ")).status).toBe(404);
    expect((await get("/missing/XYZ")).status).toBe(404);
    expect(server.arrivals).toHaveLength(6);
    expect(events.map((e) => e.type)).toEqual(["cache.miss", "cache.miss"]);
  });

  it("expires answers at the next session boundary of the injected clock", async () => {
    const server = await catalogueServer();
    const clock = { now: Date.UTC(2025, 2, 10, 3, 29) };
    const { get } = harness(server, {}, clock);
    await get("/md/v2/Securities");
    clock.now = Date.UTC(2025, 2, 10, 3, 29, 59, 999);
    expect(served(await get("/md/v2/Securities"))).toBe("1");
    clock.now = Date.UTC(2025, 2, 10, 3, 30);
    expect(served(await get("/md/v2/Securities"))).toBe("2");
    // Stored at 03:30 exactly: good until 03:30 the next day.
    clock.now = Date.UTC(2025, 2, 11, 3, 29);
    expect(served(await get("/md/v2/Securities"))).toBe("2");
    clock.now = Date.UTC(2025, 2, 11, 3, 31);
    expect(served(await get("/md/v2/Securities"))).toBe("3");
  });

  it("takes the boundary from the options over the rule's", async () => {
    const server = await catalogueServer();
    const clock = { now: Date.UTC(2025, 2, 10, 12, 0) };
    const { get } = harness(server, { sessionBoundaryUtc: "12:05" }, clock);
    await get("/md/v2/Securities");
    clock.now = Date.UTC(2025, 2, 10, 12, 5);
    expect(served(await get("/md/v2/Securities"))).toBe("2");
  });

  it("nextSessionBoundary: the first instant strictly after the time at which the UTC clock reads HH:MM", () => {
    expect(nextSessionBoundary(Date.UTC(2025, 0, 1, 3, 29), "03:30")).toBe(Date.UTC(2025, 0, 1, 3, 30));
    expect(nextSessionBoundary(Date.UTC(2025, 0, 1, 3, 30), "03:30")).toBe(Date.UTC(2025, 0, 2, 3, 30));
    expect(nextSessionBoundary(Date.UTC(2025, 0, 1, 23, 59), "00:00")).toBe(Date.UTC(2025, 0, 2, 0, 0));
    expect(nextSessionBoundary(Date.UTC(2024, 11, 31, 22, 0), "21:00")).toBe(Date.UTC(2025, 0, 1, 21, 0));
  });

  it("invalidate() forgets everything, invalidate(route) only that route, and an unknown route is a ConfigError", async () => {
    const server = await catalogueServer();
    const { get, cache } = harness(server);
    await get("/md/v2/Securities");
    await get("/md/v2/Securities/MOEX/SBER");
    cache.invalidate("GET /md/v2/Securities/{exchange}/{symbol}");
    expect(served(await get("/md/v2/Securities"))).toBe("1");
    expect(served(await get("/md/v2/Securities/MOEX/SBER"))).toBe("3");
    cache.invalidate();
    expect(cache.stats().entries).toBe(0);
    expect(served(await get("/md/v2/Securities"))).toBe("4");
    cache.invalidate("/md/v2/Securities");
    expect(served(await get("/md/v2/Securities"))).toBe("5");
    expect(() => cache.invalidate("GET /md/v2/Securitiez")).toThrow(ConfigError);
    expect(() => cache.invalidate("GET /md/v2/Securitiez")).toThrow(/"GET \/md\/v2\/Securitiez" is not a cached route/);
  });

  it("an answer in flight when invalidate() runs is returned but not stored", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let count = 0;
    const server = await startServer(async (_req, res) => {
      count++;
      if (count === 1) await gate;
      sendJson(res, 200, { count });
    });
    cleanup.push(() => server.close());
    const { get, cache } = harness(server);
    const pending = get("/md/v2/Securities");
    while (server.arrivals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    cache.invalidate();
    release();
    expect(await (await pending).json()).toEqual({ count: 1 });
    expect(await (await get("/md/v2/Securities")).json()).toEqual({ count: 2 });
  });

  it("keeps at most maxEntries answers, dropping the least recently used", async () => {
    const server = await catalogueServer();
    const { get, cache } = harness(server, { maxEntries: 2 });
    await get("/md/v2/Securities/MOEX/A");
    await get("/md/v2/Securities/MOEX/B");
    expect(served(await get("/md/v2/Securities/MOEX/A"))).toBe("1");
    await get("/md/v2/Securities/MOEX/C");
    expect(cache.stats().entries).toBe(2);
    expect(served(await get("/md/v2/Securities/MOEX/A"))).toBe("1");
    expect(served(await get("/md/v2/Securities/MOEX/B"))).toBe("4");
    expect(() => createCache({ rule: RULE, maxEntries: 0 })).toThrow(/maxEntries must be a whole number ≥ 1, got 0/);
  });

  it("downloads once for concurrent identical calls", async () => {
    const server = await catalogueServer();
    const { get } = harness(server);
    const answers = await Promise.all(Array.from({ length: 8 }, () => get("/md/v2/Securities?query=GAZP")));
    expect(server.arrivals).toHaveLength(1);
    for (const answer of answers) expect(await answer.json()).toMatchObject({ served: 1 });
  });

  it("honours the request's cache mode: no-store bypasses, reload downloads again and stores", async () => {
    const server = await catalogueServer();
    const { get } = harness(server);
    await get("/md/v2/Securities");
    expect(served(await get("/md/v2/Securities", { cache: "no-store" }))).toBe("2");
    expect(served(await get("/md/v2/Securities"))).toBe("1");
    expect(served(await get("/md/v2/Securities", { cache: "reload" }))).toBe("3");
    expect(served(await get("/md/v2/Securities"))).toBe("3");
  });

  it("with an operation table, only the matched template counts (quotes are not an instrument)", async () => {
    const server = await catalogueServer();
    const table = createOperationTable(
      [
        ["GET", "/md/v2/Securities/{exchange}/{symbol}"],
        ["GET", "/md/v2/Securities/{symbols}/quotes"],
      ],
      server.url,
    );
    const cache = createCache({ rule: RULE, now: () => MORNING });
    const fetchLike = toFetch(compose(fromFetch(), [matchOperations(table), cache.layer]));
    const get = (path: string) => fetchLike(new Request(`${server.url}${path}`));
    await get("/md/v2/Securities/MOEX:SBER/quotes");
    expect(served(await get("/md/v2/Securities/MOEX:SBER/quotes"))).toBe("2");
    await get("/md/v2/Securities/MOEX/quotes");
    expect(served(await get("/md/v2/Securities/MOEX/quotes"))).toBe("4");
    await get("/md/v2/Securities/MOEX/SBER");
    expect(served(await get("/md/v2/Securities/MOEX/SBER"))).toBe("5");
  });

  it("redacts secret query parameters from event keys and from the file", async () => {
    const server = await catalogueServer();
    const dir = await temporaryDir();
    const file = join(dir, "cache.json");
    const { get, events, cache } = harness(server, { file });
    await get("/md/v2/Securities?token=s3cr3t-refresh-value&query=SBER");
    await get("/md/v2/Securities?token=s3cr3t-refresh-value&query=SBER");
    await cache.flush();
    expect(server.arrivals).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain("s3cr3t");
    expect(events[0]).toMatchObject({ key: expect.stringContaining("token=[REDACTED]") });
    expect(await readFile(file, "utf8")).not.toContain("s3cr3t");
  });

  it("persists to a file atomically, so a restarted process serves it without downloading", async () => {
    const server = await catalogueServer();
    const dir = await temporaryDir();
    const file = join(dir, "nested", "alor-cache.json");
    const before = harness(server, { file });
    await before.get("/md/v2/Securities?query=SBER");
    await before.get("/md/v2/Securities/MOEX/SBER");
    await before.cache.flush();
    expect(await readdir(join(dir, "nested"))).toEqual(["alor-cache.json"]);
    const document = JSON.parse(await readFile(file, "utf8"));
    expect(document).toMatchObject({ format: "brokerkit-response-cache", version: 1 });
    expect(document.entries).toHaveLength(2);

    const after = harness(server, { file });
    const answer = await after.get("/md/v2/Securities?query=SBER");
    expect(await answer.json()).toMatchObject({ served: 1 });
    expect(served(await after.get("/md/v2/Securities/MOEX/SBER"))).toBe("2");
    expect(server.arrivals).toHaveLength(2);
    expect(after.events.map((e) => e.type)).toEqual(["cache.hit", "cache.hit"]);

    // A process started after the boundary does not trust yesterday's file.
    const nextDay = harness(server, { file }, { now: MORNING + 86_400_000 });
    expect(served(await nextDay.get("/md/v2/Securities?query=SBER"))).toBe("3");
    await nextDay.cache.flush();

    // invalidate() reaches the file too.
    after.cache.invalidate();
    await after.cache.flush();
    expect(JSON.parse(await readFile(file, "utf8")).entries).toEqual([]);
  });

  it("invalidate() before the file is read keeps its answers out", async () => {
    const server = await catalogueServer();
    const file = join(await temporaryDir(), "cache.json");
    const before = harness(server, { file });
    await before.get("/md/v2/Securities");
    await before.cache.flush();
    const after = harness(server, { file });
    after.cache.invalidate("GET /md/v2/Securities");
    expect(served(await after.get("/md/v2/Securities"))).toBe("2");
    await after.cache.flush();
  });

  it("reports a corrupt file through the observer, ignores it and replaces it", async () => {
    const server = await catalogueServer();
    const file = join(await temporaryDir(), "cache.json");
    for (const corrupt of ['{"format":"brokerkit-response-cache","version":1,"entr', '["not", "a", "cache"]']) {
      await writeFile(file, corrupt);
      const { get, events, cache } = harness(server, { file });
      const answer = await get("/md/v2/Securities");
      expect(answer.status).toBe(200);
      await cache.flush();
      const error = events.find((e) => e.type === "cache.error");
      expect(error).toMatchObject({
        type: "cache.error",
        file,
        reason: expect.stringMatching(/^ignored the cache file: /),
      });
      expect(JSON.parse(await readFile(file, "utf8")).entries).toHaveLength(1);
    }
  });

  it("skips malformed entries of a readable file and reports how many", async () => {
    const server = await catalogueServer();
    const file = join(await temporaryDir(), "cache.json");
    await writeFile(
      file,
      JSON.stringify({ format: "brokerkit-response-cache", version: 1, entries: [{ key: 1 }, null] }),
    );
    const { get, events } = harness(server, { file });
    expect((await get("/md/v2/Securities")).status).toBe(200);
    expect(events[0]).toEqual({ type: "cache.error", file, reason: "ignored 2 malformed entries of the cache file" });
  });

  it("reports a file it cannot write, and keeps serving from memory", async () => {
    const server = await catalogueServer();
    const dir = await temporaryDir();
    // A directory where the file should be: rename onto it fails.
    const file = join(dir, "occupied");
    await mkdir(join(file, "child"), { recursive: true });
    const { get, events, cache } = harness(server, { file });
    await get("/md/v2/Securities");
    await cache.flush();
    expect(served(await get("/md/v2/Securities"))).toBe("1");
    const errors = events.filter((e) => e.type === "cache.error");
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.at(-1)).toMatchObject({ reason: expect.stringMatching(/^could not write the cache file: /) });
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects a malformed rule with a ConfigError naming the field", () => {
    expect(() => createCache({ rule: { ...RULE, sessionBoundaryUtc: "3:30" } })).toThrow(/sessionBoundaryUtc must be/);
    expect(() => createCache({ rule: { ...RULE, routes: ["POST /orders"] } })).toThrow(
      /routes\[0\] "POST \/orders" is not a GET route/,
    );
    expect(() => createCache({ rule: { ...RULE, routes: ["/md/v2/Securities"] } })).toThrow(
      /routes\[0\] must read "GET \/path\/template"/,
    );
  });

  it("in createBrokerClient: a hit takes no throttle slot and no token; runtime.cache invalidates", async () => {
    const server = await catalogueServer();
    const config: ApiConfig = {
      broker: "demo",
      api: "md",
      environments: { test: { servers: { api: "https://example.invalid" } } },
      server: "api",
      auth: [{ name: "bearer", kind: "bearer" }],
      // One call per minute: a second call that needed a slot would wait far past its deadline.
      rateLimits: [{ name: "per-user", limit: 1, intervalMs: 60_000 }],
      routes: [],
      cache: RULE,
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      timeoutMs: 5_000,
      operations: [["GET", "/md/v2/Securities"]],
    };
    const events: MiddlewareEvent[] = [];
    const client = createBrokerClient<Record<string, never>>(config, {
      environment: "test",
      credentials: { accessToken: "bearer-token-value" },
      servers: { api: server.url },
      observer: (e) => events.push(e),
    });
    const get = (init: RequestInit = {}) => client.runtime.fetch(new Request(`${server.url}/md/v2/Securities`, init));
    expect((await get()).status).toBe(200);
    const hit = await get({ signal: AbortSignal.timeout(3_000) });
    expect(served(hit)).toBe("1");
    expect(server.arrivals).toHaveLength(1);
    expect(events.filter((e) => e.type === "throttle.wait")).toEqual([]);
    expect(client.runtime.cache).toBeDefined();
    client.runtime.cache?.invalidate();
    // Now it needs the network again, and so the throttle's only slot: it waits, and we give up.
    const error = await get({ signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(server.arrivals).toHaveLength(1);

    const uncached = createBrokerClient<Record<string, never>>(config, {
      environment: "test",
      credentials: { accessToken: "bearer-token-value" },
      servers: { api: server.url },
      cache: false,
    });
    expect(uncached.runtime.cache).toBeUndefined();
  });
});
