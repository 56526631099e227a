/**
 * One cache file shared by several writers: two real processes storing answers at the same time lose
 * none of them; in one process, two caches on one file keep the newest answer per key and the bound;
 * a lock left by a crashed process is taken over, and a live one is waited for.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { type CacheOptions, createCache } from "../src/cache.js";
import { compose, fromFetch, toFetch } from "../src/compose.js";
import type { CacheRule } from "../src/config.js";
import type { MiddlewareEvent } from "../src/events.js";

const WORKER = join(dirname(fileURLToPath(import.meta.url)), "workers/cache-writer.mjs");
const RULE: CacheRule = { routes: ["GET /md/v2/Securities/{exchange}/{symbol}"], sessionBoundaryUtc: "03:30" };
/** 2025-03-10 03:00 UTC: half an hour before the boundary. */
const MORNING = Date.UTC(2025, 2, 10, 3, 0);

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** Answers every instrument with its symbol and a serial number. */
async function instrumentServer(): Promise<RunningServer> {
  let served = 0;
  const server = await startServer((req, res) => {
    served++;
    sendJson(res, 200, { symbol: req.path.split("/").at(-1), served }, { "x-served": String(served) });
  });
  cleanup.push(() => server.close());
  return server;
}

async function cacheFileIn(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "brokerkit-shared-cache-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return { dir, file: join(dir, "reference.json") };
}

async function entriesOf(file: string): Promise<{ url: string; storedAt: number; body: string }[]> {
  return JSON.parse(await readFile(file, "utf8")).entries;
}

/** Settles with `work`, or rejects naming what did not happen within `ms`. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

interface WorkerReport {
  errors: string[];
  entries: number;
}

function startWriter(params: { file: string; base: string; prefix: string; count: number; now: number }) {
  const child: ChildProcess = fork(WORKER, [], {
    env: { ...process.env, BROKERKIT_CACHE_WRITER: JSON.stringify(params) },
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const messages = new Map<string, (message: unknown) => void>();
  const next = (type: string) =>
    new Promise<unknown>((resolve, reject) => {
      messages.set(type, resolve);
      child.once("exit", (code, signal) => reject(new Error(`writer ${params.prefix} ended (${signal ?? code})`)));
    });
  child.on("message", (message: { type: string }) => messages.get(message.type)?.(message));
  const ready = next("ready");
  const done = next("done") as Promise<WorkerReport>;
  done.catch(() => {});
  return { child, ready, done };
}

function harness(server: RunningServer, file: string, options: Partial<CacheOptions> = {}, clock = { now: MORNING }) {
  const events: MiddlewareEvent[] = [];
  const cache = createCache({ rule: RULE, file, now: () => clock.now, observer: (e) => events.push(e), ...options });
  cleanup.push(() => cache.flush());
  const fetchThrough = toFetch(compose(fromFetch(), [cache.layer]));
  return {
    cache,
    events,
    async get(symbol: string) {
      const response = await fetchThrough(new Request(`${server.url}/md/v2/Securities/MOEX/${symbol}`));
      return (await response.json()) as { symbol: string; served: number };
    },
  };
}

describe("a cache file shared by several writers", () => {
  it("two processes storing 40 answers each at the same time leave all 80 in the file", async () => {
    const server = await instrumentServer();
    const { dir, file } = await cacheFileIn();
    const writers = ["A", "B"].map((prefix) =>
      startWriter({ file, base: server.url, prefix, count: 40, now: MORNING }),
    );
    await within(Promise.all(writers.map((writer) => writer.ready)), 30_000, "both writers read the file");
    for (const writer of writers) writer.child.send({ type: "go" });
    const reports = await within(Promise.all(writers.map((writer) => writer.done)), 60_000, "both writers finished");

    expect(reports.map((report) => report.errors)).toEqual([[], []]);
    expect(reports.map((report) => report.entries)).toEqual([40, 40]);
    expect(server.arrivals).toHaveLength(80);
    const urls = (await entriesOf(file)).map((entry) => new URL(entry.url).pathname).sort();
    const expected = ["A", "B"].flatMap((prefix) =>
      Array.from({ length: 40 }, (_, i) => `/md/v2/Securities/MOEX/${prefix}-${i}`),
    );
    expect(urls).toEqual(expected.sort());
    // No lock or temporary file is left behind.
    expect(await readdir(dir)).toEqual(["reference.json"]);
  });

  it("keeps the newest answer per key and at most maxEntries, newest first", async () => {
    const server = await instrumentServer();
    const { file } = await cacheFileIn();
    const earlyClock = { now: MORNING };
    const early = harness(server, file, { maxEntries: 3 }, earlyClock);
    const late = harness(server, file, { maxEntries: 3 }, { now: MORNING + 60_000 });
    await early.cache.flush();
    await late.cache.flush();
    await early.get("SBER");
    await early.get("GAZP");
    await early.cache.flush();
    // The later process fetches SBER again (newer) and one more instrument: the bound of 3 drops
    // the oldest answer that only the file held.
    await late.get("SBER");
    await late.get("LKOH");
    await late.cache.flush();
    let entries = await entriesOf(file);
    expect(entries.map((entry) => new URL(entry.url).pathname.split("/").at(-1))).toEqual(["GAZP", "SBER", "LKOH"]);
    expect(entries.find((entry) => entry.url.endsWith("SBER"))?.storedAt).toBe(MORNING + 60_000);

    // The earlier process writes again, two minutes on: its older SBER does not replace the newer one.
    earlyClock.now = MORNING + 120_000;
    await early.get("ROSN");
    await early.cache.flush();
    entries = await entriesOf(file);
    expect(entries).toHaveLength(3);
    const sber = entries.find((entry) => entry.url.endsWith("SBER"));
    expect(sber?.storedAt).toBe(MORNING + 60_000);
    expect(JSON.parse(Buffer.from(sber?.body ?? "", "base64").toString("utf8"))).toMatchObject({ served: 3 });
  });

  it("invalidate() removes the route's older answers from the file, another writer's included", async () => {
    const server = await instrumentServer();
    const { file } = await cacheFileIn();
    const other = harness(server, file);
    const mine = harness(server, file, {}, { now: MORNING + 1_000 });
    await other.get("SBER");
    await other.cache.flush();
    await mine.get("GAZP");
    await mine.cache.flush();
    expect(await entriesOf(file)).toHaveLength(2);
    mine.cache.invalidate();
    await mine.cache.flush();
    expect(await entriesOf(file)).toEqual([]);
  });

  it("takes over a lock left by a crashed process", async () => {
    const server = await instrumentServer();
    const { dir, file } = await cacheFileIn();
    const lock = `${file}.lock`;
    await writeFile(lock, "4242:crashed");
    const longAgo = new Date(Date.now() - 120_000);
    await utimes(lock, longAgo, longAgo);
    const { get, cache, events } = harness(server, file);
    await get("SBER");
    await cache.flush();
    expect(events.filter((event) => event.type === "cache.error")).toEqual([]);
    expect(await entriesOf(file)).toHaveLength(1);
    expect(await readdir(dir)).toEqual(["reference.json"]);
  });

  it("waits for a live lock, then writes", async () => {
    const server = await instrumentServer();
    const { file } = await cacheFileIn();
    const lock = `${file}.lock`;
    await writeFile(lock, "4243:busy");
    const { get, cache, events } = harness(server, file);
    await get("SBER");
    const flushed = cache.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Still waiting: nothing written while another holds the lock.
    await expect(readFile(file, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
    await rm(lock);
    await within(flushed, 10_000, "the write after the lock was released");
    expect(events.filter((event) => event.type === "cache.error")).toEqual([]);
    expect(await entriesOf(file)).toHaveLength(1);
  });
});
