/**
 * Market Data pagination end to end: bars (several symbols, one symbol, crypto) and news page through
 * next_page_token until it is null, every item exactly once and in order; iteration is bounded by
 * maxItems (quietly) and maxPages (PageLimitError), and a page error is thrown, naming the route.
 */
import { HttpError } from "@brokerkit/middleware";
import { describe, expect, it } from "vitest";
import {
  PageLimitError,
  paginate,
  paginateCryptoBars,
  paginateNews,
  paginateStockBars,
  paginateSymbolBars,
} from "../src/market-data.js";
import { marketDataClient, simulator } from "./support.js";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("pagination", () => {
  it("reads every bar of several symbols across pages, once each and in order", async () => {
    const sim = await simulator({ marketData: { pointsPerSymbol: 25 } });
    const client = marketDataClient(sim);
    const bars = await collect(
      paginateStockBars(client, { symbols: "MSFT,AAPL", timeframe: "1Min", limit: 7, start: "2024-01-02T14:30:00Z" }),
    );
    // 2 × 25 bars at 7 per page: 8 pages.
    expect(bars).toHaveLength(50);
    expect(sim.requestsTo("GET /v2/stocks/bars")).toBe(8);
    for (const symbol of ["AAPL", "MSFT"]) {
      const times = bars.filter((b) => b.symbol === symbol).map((b) => b.bar.t);
      expect(times).toHaveLength(25);
      expect(new Set(times).size).toBe(25);
      expect([...times].sort()).toEqual(times);
    }
    const tokens = sim.arrivals.filter((a) => a.path === "/v2/stocks/bars").map((a) => a.query.get("page_token"));
    expect(tokens[0]).toBeNull();
    expect(new Set(tokens.slice(1)).size).toBe(7);

    const single = await collect(paginateSymbolBars(client, "AAPL", { timeframe: "1Min", limit: 10 }));
    expect(single.map((b) => b.t)).toEqual(bars.filter((b) => b.symbol === "AAPL").map((b) => b.bar.t));
  });

  it("pages crypto bars, and news newest first", async () => {
    const sim = await simulator({ marketData: { pointsPerSymbol: 12, newsArticles: 23 } });
    const crypto = await collect(
      paginateCryptoBars(marketDataClient(sim), "us", { symbols: "BTC/USD", timeframe: "1Hour", limit: 5 }),
    );
    expect(crypto).toHaveLength(12);
    expect(crypto.every((b) => b.symbol === "BTC/USD")).toBe(true);

    const news = await collect(paginateNews(marketDataClient(sim), { limit: 10 }));
    expect(news).toHaveLength(23);
    expect(sim.requestsTo("GET /v1beta1/news")).toBe(3);
    const created = news.map((a) => a.created_at);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it("stops quietly at maxItems without fetching further pages", async () => {
    const sim = await simulator();
    const client = marketDataClient(sim);
    const news = await collect(paginateNews(client, { limit: 5 }, { maxItems: 7 }));
    expect(news).toHaveLength(7);
    expect(sim.requestsTo("GET /v1beta1/news")).toBe(2);
  });

  it("refuses to run past maxPages, saying where to continue", async () => {
    const sim = await simulator();
    const client = marketDataClient(sim);
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const article of paginateNews(client, { limit: 5 }, { maxPages: 2 })) seen.push(article);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageLimitError);
    expect((error as PageLimitError).pages).toBe(2);
    expect((error as Error).message).toContain("maxPages");
    expect(seen).toHaveLength(10);
    // The token continues where iteration stopped.
    const rest = await collect(
      paginateNews(client, { limit: 5 }, { pageToken: (error as PageLimitError).nextPageToken }),
    );
    expect([...seen, ...rest]).toEqual(await collect(paginateNews(client, { limit: 50 })));
  });

  it("throws the page's HTTP error, naming the route", async () => {
    const sim = await simulator();
    const client = marketDataClient(sim);
    const error = await collect(paginateStockBars(client, { symbols: "AAPL", timeframe: "7Days" })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as Error).message).toMatch(/^GET \/v2\/stocks\/bars: HTTP 400 invalid timeframe/);
  });

  it("the generic paginate refuses a server that repeats a token (no endless loop)", async () => {
    let calls = 0;
    const looping = paginate(
      "GET /looping",
      async () => {
        calls++;
        return { data: { items: [calls], next_page_token: "same" }, response: new Response(null, { status: 200 }) };
      },
      (page) => page.items,
    );
    await expect(collect(looping)).rejects.toThrow(/next_page_token "same" was already used/);
    expect(calls).toBe(2);
  });
});
