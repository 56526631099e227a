/**
 * The securities pagination helper against the simulator's catalogue: limit/offset pages until a short
 * page, hard bounds on pages and items (and on what is downloaded), filters, and typed errors.
 */
import { ConfigError, HttpError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import { type SecuritiesPage, searchAllSecurities, securitiesPages, unwrap } from "../src/index.js";
import { arrivalsOf, clientFor, simulator } from "./support.js";

async function collect(pages: AsyncIterable<SecuritiesPage>): Promise<SecuritiesPage[]> {
  const all: SecuritiesPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

const pageQueries = (sim: Awaited<ReturnType<typeof simulator>>) =>
  arrivalsOf(sim, "/md/v2/Securities").map((arrival) => `${arrival.query.get("limit")}@${arrival.query.get("offset")}`);

describe("securitiesPages", () => {
  it("walks the whole search in limit/offset pages and stops on the short page", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { cache: false });
    const everything = await unwrap(client.GET("/md/v2/Securities", { params: { query: { limit: 1000 } } }));
    expect(everything.length).toBeGreaterThan(50);

    const pages = await collect(securitiesPages(client, { pageSize: 25 }));
    const expectedPages = Math.ceil(everything.length / 25);
    expect(pages).toHaveLength(expectedPages);
    expect(pages.map((page) => page.offset)).toEqual(Array.from({ length: expectedPages }, (_, i) => i * 25));
    expect(pages.map((page) => page.index)).toEqual(Array.from({ length: expectedPages }, (_, i) => i));
    expect(pages.flatMap((page) => page.securities)).toEqual(everything);
    // One request per page (after the one-shot download above), none after the short page.
    expect(pageQueries(sim).slice(1)).toEqual(pages.map((page) => `25@${page.offset}`));
  });

  it("stops at maxPages, and searchAllSecurities says the result is truncated", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { cache: false });
    const pages = await collect(securitiesPages(client, { pageSize: 10, maxPages: 2 }));
    expect(pages.map((page) => page.securities.length)).toEqual([10, 10]);
    expect(pageQueries(sim)).toEqual(["10@0", "10@10"]);

    const result = await searchAllSecurities(client, { pageSize: 10, maxPages: 2 });
    expect(result.securities).toHaveLength(20);
    expect(result.truncated).toBe(true);
  });

  it("stops at maxItems, asking the server for no more than the bound leaves", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { cache: false });
    const result = await searchAllSecurities(client, { pageSize: 25, maxItems: 30 });
    expect(result.securities).toHaveLength(30);
    expect(result.truncated).toBe(true);
    expect(pageQueries(sim)).toEqual(["25@0", "5@25"]);
  });

  it("passes the filters and reports a complete result when a short page ends it", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { cache: false });
    const result = await searchAllSecurities(client, { filter: { exchange: "SPBX" }, pageSize: 5 });
    expect(result.truncated).toBe(false);
    expect(result.securities.length).toBeGreaterThan(5);
    expect(result.securities.every((security) => security.exchange === "SPBX")).toBe(true);
    const arrivals = arrivalsOf(sim, "/md/v2/Securities");
    expect(arrivals.every((arrival) => arrival.query.get("exchange") === "SPBX")).toBe(true);
    expect(arrivals).toHaveLength(Math.floor(result.securities.length / 5) + 1);

    const none = await searchAllSecurities(client, { filter: { query: "NO-SUCH-TICKER" } });
    expect(none).toEqual({ securities: [], truncated: false });
  });

  it("rejects bad bounds with a ConfigError naming the option, and turns a refused page into an HttpError", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim, { cache: false });
    await expect(collect(securitiesPages(client, { maxPages: 0 }))).rejects.toThrow(ConfigError);
    await expect(collect(securitiesPages(client, { pageSize: 2.5 }))).rejects.toThrow(
      /pageSize must be a whole number ≥ 1, got 2.5/,
    );
    await expect(collect(securitiesPages(client, { offset: -1 }))).rejects.toThrow(/offset must be a whole number ≥ 0/);
    const refused = await collect(securitiesPages(client, { filter: { sector: "BONDS" as "FOND" } })).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(400);
    expect((refused as HttpError).message).toMatch(
      /query parameter 'sector' must be one of FORTS, FOND, CURR, got 'BONDS'/,
    );
  });

  it("pages go through the cache: a repeated walk in the same session downloads nothing", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const first = await searchAllSecurities(client, { pageSize: 20, maxPages: 3 });
    const second = await searchAllSecurities(client, { pageSize: 20, maxPages: 3 });
    expect(second).toEqual(first);
    expect(sim.counters.requests.searchSecurities).toBe(3);
  });
});
