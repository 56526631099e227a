/**
 * The manifest's reference-data cache in the real ALOR client: the catalogue is downloaded once per
 * trading session (boundary 03:30 UTC), again after invalidate() or after the boundary, and a cache
 * file lets a restarted process skip both the download and the token exchange.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { unwrap } from "../src/index.js";
import { clientFor, simulator } from "./support.js";

/** 2025-03-11 10:00 UTC, a trading day (13:00 in Moscow). */
const MIDDAY = Date.UTC(2025, 2, 11, 10, 0);

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("ALOR reference-data cache", () => {
  it("a cached catalogue causes no second download inside the session; invalidate and the boundary do", async () => {
    const sim = await simulator();
    const clock = { now: MIDDAY };
    const { client, count } = clientFor(sim, { cache: { now: () => clock.now } });
    const search = () => unwrap(client.GET("/md/v2/Securities", { params: { query: { query: "SBER", limit: 10 } } }));
    const security = () =>
      unwrap(
        client.GET("/md/v2/Securities/{exchange}/{symbol}", { params: { path: { exchange: "MOEX", symbol: "GAZP" } } }),
      );

    const first = await search();
    expect(first.length).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(await search()).toEqual(first);
    await security();
    await security();
    expect(sim.counters.requests.searchSecurities).toBe(1);
    expect(sim.counters.requests.getSecurity).toBe(1);
    expect(count("cache.hit")).toBe(6);
    expect(count("cache.store")).toBe(2);

    // Quotes and other market data are never cached.
    const quote = () =>
      unwrap(client.GET("/md/v2/Securities/{symbols}/quotes", { params: { path: { symbols: "MOEX:SBER" } } }));
    await quote();
    await quote();
    expect(sim.counters.requests.getQuotes).toBe(2);

    client.runtime.cache?.invalidate("GET /md/v2/Securities");
    await search();
    await security();
    expect(sim.counters.requests.searchSecurities).toBe(2);
    expect(sim.counters.requests.getSecurity).toBe(1);

    // Still the same trading day just before the boundary (03:29 UTC next morning) …
    clock.now = Date.UTC(2025, 2, 12, 3, 29);
    await search();
    expect(sim.counters.requests.searchSecurities).toBe(2);
    // … and a new session after it.
    clock.now = Date.UTC(2025, 2, 12, 3, 30);
    await search();
    await search();
    await security();
    expect(sim.counters.requests.searchSecurities).toBe(3);
    expect(sim.counters.requests.getSecurity).toBe(2);
  });

  it("with a cache file, a restarted process neither downloads the catalogue nor exchanges a token", async () => {
    const sim = await simulator();
    const dir = await mkdtemp(join(tmpdir(), "alor-cache-"));
    dirs.push(dir);
    const file = join(dir, "alor-reference.json");
    const query = { params: { query: { exchange: "MOEX", limit: 5 } } } as const;

    const before = clientFor(sim, { cache: { file } });
    const downloaded = await unwrap(before.client.GET("/md/v2/Securities", query));
    await before.client.runtime.cache?.flush();
    expect(sim.counters.tokenExchanges).toBe(1);

    const after = clientFor(sim, { cache: { file } });
    const served = await unwrap(after.client.GET("/md/v2/Securities", query));
    expect(served).toEqual(downloaded);
    expect(sim.counters.requests.searchSecurities).toBe(1);
    // A hit sends nothing, so the new process needed no token either.
    expect(sim.counters.tokenExchanges).toBe(1);
    expect(after.count("cache.hit")).toBe(1);
  });

  it("cache: false sends every call", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { cache: false });
    await unwrap(client.GET("/md/v2/Securities"));
    await unwrap(client.GET("/md/v2/Securities"));
    expect(sim.counters.requests.searchSecurities).toBe(2);
    expect(client.runtime.cache).toBeUndefined();
  });
});
