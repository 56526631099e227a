/**
 * Market Data API routes over deterministic generated data: stock bars, quotes and trades (several pages,
 * with `next_page_token` / `page_token`), latest quotes and trades, snapshots, crypto bars and latest quotes,
 * and news. The same query always gives the same answer, so pagination can be checked end to end.
 */
import { createHash } from "node:crypto";
import { findAsset } from "./fixtures.js";
import { invalid, ok, type Reply } from "./reply.js";
import type { SimRoute } from "./routes.js";

export interface MarketDataOptions {
  /** Bars, quotes and trades available per symbol from the start time. */
  pointsPerSymbol: number;
  /** News articles available in total. */
  newsArticles: number;
}

/** Where historical series begin when the request gives no `start`. */
const DEFAULT_START = Date.parse("2024-01-02T14:30:00Z");
/** Publication time of the newest generated article. */
const NEWS_ANCHOR = Date.parse("2024-06-03T16:00:00Z");
const HISTORICAL_FEEDS = ["iex", "otc", "sip", "boats"];
const LATEST_FEEDS = ["delayed_sip", "iex", "otc", "sip", "boats", "overnight"];
const CRYPTO_LOCATIONS = ["us", "us-1", "us-2", "eu-1", "bs-1"];
const NEWS_SYMBOLS = [["AAPL"], ["TSLA"], ["MSFT", "NVDA"], ["SPY"], ["BTCUSD"], ["AAPL", "MSFT"]];

export function marketDataRoutes(options: MarketDataOptions): SimRoute[] {
  const stock = (template: string, handle: (q: URLSearchParams, symbol?: string) => Reply): SimRoute => ({
    method: "GET",
    template,
    api: "market-data",
    handle: ({ query, params }) => handle(query, params.symbol),
  });
  const crypto = (template: string, handle: (q: URLSearchParams) => Reply): SimRoute => ({
    method: "GET",
    template,
    api: "market-data",
    // Crypto data needs no credentials; an anonymous caller gets its own quota.
    anonymous: true,
    handle: ({ query, params }) => {
      if (!CRYPTO_LOCATIONS.includes(params.loc ?? "")) throw invalid(`invalid loc "${params.loc}"`, 400);
      return handle(query);
    },
  });
  const n = options.pointsPerSymbol;

  return [
    stock("/v2/stocks/bars", (q) => {
      const page = historical(q, symbolsParam(q), n, bar(requireTimeframe(q)), HISTORICAL_FEEDS);
      return ok({ bars: page.bySymbol, next_page_token: page.next, ...currency(q) });
    }),
    stock("/v2/stocks/{symbol}/bars", (q, symbol) => {
      const page = historical(q, [symbol as string], n, bar(requireTimeframe(q)), HISTORICAL_FEEDS);
      return ok({ symbol, bars: page.items, next_page_token: page.next, ...currency(q) });
    }),
    stock("/v2/stocks/quotes", (q) => {
      const page = historical(q, symbolsParam(q), n, quote, HISTORICAL_FEEDS);
      return ok({ quotes: page.bySymbol, next_page_token: page.next, ...currency(q) });
    }),
    stock("/v2/stocks/{symbol}/quotes", (q, symbol) => {
      const page = historical(q, [symbol as string], n, quote, HISTORICAL_FEEDS);
      return ok({ symbol, quotes: page.items, next_page_token: page.next, ...currency(q) });
    }),
    stock("/v2/stocks/trades", (q) => {
      const page = historical(q, symbolsParam(q), n, trade, HISTORICAL_FEEDS);
      return ok({ trades: page.bySymbol, next_page_token: page.next, ...currency(q) });
    }),
    stock("/v2/stocks/{symbol}/trades", (q, symbol) => {
      const page = historical(q, [symbol as string], n, trade, HISTORICAL_FEEDS);
      return ok({ symbol, trades: page.items, next_page_token: page.next, ...currency(q) });
    }),
    stock("/v2/stocks/quotes/latest", (q) => {
      checkFeed(q, LATEST_FEEDS);
      return ok({ quotes: bySymbol(symbolsParam(q), (s) => quote(s, latestIndex(), Date.now())), ...currency(q) });
    }),
    stock("/v2/stocks/{symbol}/quotes/latest", (q, symbol) => {
      checkFeed(q, LATEST_FEEDS);
      return ok({ symbol, quote: quote(symbol as string, latestIndex(), Date.now()), ...currency(q) });
    }),
    stock("/v2/stocks/trades/latest", (q) => {
      checkFeed(q, LATEST_FEEDS);
      return ok({ trades: bySymbol(symbolsParam(q), (s) => trade(s, latestIndex(), Date.now())), ...currency(q) });
    }),
    stock("/v2/stocks/{symbol}/trades/latest", (q, symbol) => {
      checkFeed(q, LATEST_FEEDS);
      return ok({ symbol, trade: trade(symbol as string, latestIndex(), Date.now()), ...currency(q) });
    }),
    stock("/v2/stocks/snapshots", (q) => {
      checkFeed(q, LATEST_FEEDS);
      return ok(bySymbol(symbolsParam(q), snapshot));
    }),
    stock("/v2/stocks/{symbol}/snapshot", (q, symbol) => {
      checkFeed(q, LATEST_FEEDS);
      return ok({ symbol, ...currency(q), ...snapshot(symbol as string) });
    }),
    crypto("/v1beta3/crypto/{loc}/bars", (q) => {
      const page = historical(q, symbolsParam(q), n, bar(requireTimeframe(q), true), undefined);
      return ok({ bars: page.bySymbol, next_page_token: page.next });
    }),
    crypto("/v1beta3/crypto/{loc}/latest/quotes", (q) =>
      ok({ quotes: bySymbol(symbolsParam(q), (s) => cryptoQuote(s, Date.now())) }),
    ),
    stock("/v1beta1/news", (q) => news(q, options.newsArticles)),
  ];
}

type Generator = (symbol: string, index: number, time: number) => Record<string, unknown>;

interface Page {
  items: Record<string, unknown>[];
  bySymbol: Record<string, Record<string, unknown>[]>;
  next: string | null;
}

/**
 * One page of a historical series. The series of each symbol has `count` points from `start`, one per
 * step; `limit` caps the points per page summed over all symbols, as Alpaca's does.
 */
function historical(
  q: URLSearchParams,
  symbols: string[],
  count: number,
  generate: GeneratorWithStep,
  feeds?: string[],
): Page {
  if (feeds) checkFeed(q, feeds);
  const limit = intParam(q, "limit", 1000, 1, 10_000);
  const start = timeParam(q, "start") ?? DEFAULT_START;
  const end = timeParam(q, "end");
  const sort = q.get("sort") ?? "asc";
  if (sort !== "asc" && sort !== "desc") throw invalid(`invalid sort "${sort}": expected asc or desc`, 400);
  const sorted = [...symbols].sort();
  const points: { symbol: string; index: number; time: number }[] = [];
  for (const symbol of sorted) {
    const indexes = [...Array(count).keys()].filter((i) => end === undefined || start + i * generate.stepMs <= end);
    if (sort === "desc") indexes.reverse();
    for (const index of indexes) points.push({ symbol, index, time: start + index * generate.stepMs });
  }
  const offset = decodePageToken(q.get("page_token"));
  const slice = points.slice(offset, offset + limit);
  const bySymbol: Record<string, Record<string, unknown>[]> = {};
  const items = slice.map((p) => {
    const item = generate(p.symbol, p.index, p.time);
    const list = bySymbol[p.symbol] ?? [];
    list.push(item);
    bySymbol[p.symbol] = list;
    return item;
  });
  const next = offset + limit < points.length ? Buffer.from(`offset:${offset + limit}`).toString("base64url") : null;
  return { items, bySymbol, next };
}

type GeneratorWithStep = Generator & { stepMs: number };

const withStep = (generate: Generator, stepMs: number): GeneratorWithStep => Object.assign(generate, { stepMs });

function bar(stepMs: number, fractionalVolume = false): GeneratorWithStep {
  return withStep((symbol, index, time) => {
    const open = price(symbol, index);
    const close = price(symbol, index + 1);
    const volume = 1000 + ((seed(symbol) + index * 7919) % 9000);
    return {
      t: iso(time),
      o: open,
      h: round2(Math.max(open, close) * 1.002),
      l: round2(Math.min(open, close) * 0.998),
      c: close,
      v: fractionalVolume ? volume / 1000 : volume,
      n: 10 + ((seed(symbol) + index) % 90),
      vw: round2((open + close) / 2),
    };
  }, stepMs);
}

const quote = withStep((symbol, index, time) => {
  const mid = price(symbol, index);
  return {
    t: iso(time),
    bx: "V",
    bp: round2(mid - 0.01),
    bs: 1 + (index % 9),
    ax: "V",
    ap: round2(mid + 0.01),
    as: 1 + ((index + 4) % 9),
    c: ["R"],
    z: "C",
  };
}, 1000);

const trade = withStep(
  (symbol, index, time) => ({
    t: iso(time),
    x: "V",
    p: price(symbol, index),
    s: 1 + (index % 200),
    c: ["@"],
    i: 52_983_525_029_000 + index,
    z: "C",
  }),
  1000,
);

function cryptoQuote(symbol: string, time: number): Record<string, unknown> {
  const mid = price(symbol, latestIndex());
  return { t: iso(time), bp: round2(mid * 0.9995), bs: 0.5, ap: round2(mid * 1.0005), as: 0.42 };
}

function snapshot(symbol: string): Record<string, unknown> {
  const now = Date.now();
  const minute = Math.floor(now / 60_000) * 60_000;
  const day = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T04:00:00Z`);
  const i = latestIndex();
  return {
    latestTrade: trade(symbol, i, now),
    latestQuote: quote(symbol, i, now),
    minuteBar: bar(60_000)(symbol, i, minute),
    dailyBar: bar(86_400_000)(symbol, i, day),
    prevDailyBar: bar(86_400_000)(symbol, i - 1, day - 86_400_000),
  };
}

function news(q: URLSearchParams, total: number): Reply {
  const limit = intParam(q, "limit", 10, 1, 50);
  const sort = q.get("sort") ?? "desc";
  if (sort !== "asc" && sort !== "desc") throw invalid(`invalid sort "${sort}": expected asc or desc`, 400);
  const wanted = q
    .get("symbols")
    ?.split(",")
    .map((s) => s.trim().toUpperCase().replace("/", ""));
  const start = timeParam(q, "start");
  const end = timeParam(q, "end");
  const includeContent = q.get("include_content") === "true";
  let articles = [...Array(total).keys()]
    .map((i) => article(i, includeContent))
    .filter((a) => !wanted || (a.symbols as string[]).some((s) => wanted.includes(s)))
    .filter((a) => {
      const created = Date.parse(a.created_at as string);
      return (start === undefined || created >= start) && (end === undefined || created <= end);
    });
  if (sort === "asc") articles = articles.reverse();
  const offset = decodePageToken(q.get("page_token"));
  const page = articles.slice(offset, offset + limit);
  const next = offset + limit < articles.length ? Buffer.from(`offset:${offset + limit}`).toString("base64url") : null;
  return ok({ news: page, next_page_token: next });
}

/** Article i, newest first: one per hour back from the anchor. */
function article(i: number, includeContent: boolean): Record<string, unknown> {
  const at = iso(NEWS_ANCHOR - i * 3_600_000);
  const symbols = NEWS_SYMBOLS[i % NEWS_SYMBOLS.length] as string[];
  const id = 39_000_000 - i;
  return {
    id,
    headline: `${symbols.join(" and ")} in focus: simulated market story #${id}`,
    author: "Brokerkit Simulator",
    created_at: at,
    updated_at: at,
    summary: `A generated article about ${symbols.join(", ")} for tests.`,
    content: includeContent ? `<p>Generated body of article ${id} about ${symbols.join(", ")}.</p>` : "",
    url: `https://news.example.test/articles/${id}`,
    images: [{ size: "thumb", url: `https://news.example.test/images/${id}-thumb.jpg` }],
    symbols,
    source: "benzinga",
  };
}

/** Deterministic prices around the asset's reference price (or a per-symbol base for unknown symbols). */
export function price(symbol: string, index: number): number {
  const base = findAsset(symbol)?.price ?? 20 + (seed(symbol) % 480);
  return round2(base * (1 + 0.01 * Math.sin(index / 3 + (seed(symbol) % 7))));
}

function seed(symbol: string): number {
  return createHash("sha1").update(symbol).digest().readUInt32BE(0);
}

/** Index of "now" in the generated series, so latest data moves with time. */
const latestIndex = () => Math.floor(Date.now() / 60_000);

export const round2 = (value: number) => Math.round(value * 100) / 100;
const iso = (time: number) => new Date(time).toISOString().replace(".000Z", "Z");

function bySymbol<T>(symbols: string[], make: (symbol: string) => T): Record<string, T> {
  return Object.fromEntries(symbols.map((s) => [s, make(s)]));
}

function symbolsParam(q: URLSearchParams): string[] {
  const value = q.get("symbols");
  if (!value) throw invalid("missing required query parameter: symbols", 400);
  return value
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
}

/** Alpaca's timeframes: [1-59]Min, [1-23]Hour, 1Day, 1Week, [1,2,3,4,6,12]Month (and T/H/D/W/M shorthands). */
function requireTimeframe(q: URLSearchParams): number {
  const value = q.get("timeframe");
  if (!value) throw invalid("missing required query parameter: timeframe", 400);
  const match = /^(\d+)(Min|T|Hour|H|Day|D|Week|W|Month|M)$/.exec(value);
  const amount = Number(match?.[1]);
  const unit = match?.[2];
  const minute = 60_000;
  if ((unit === "Min" || unit === "T") && amount >= 1 && amount <= 59) return amount * minute;
  if ((unit === "Hour" || unit === "H") && amount >= 1 && amount <= 23) return amount * 60 * minute;
  if ((unit === "Day" || unit === "D") && amount === 1) return 1440 * minute;
  if ((unit === "Week" || unit === "W") && amount === 1) return 7 * 1440 * minute;
  if ((unit === "Month" || unit === "M") && [1, 2, 3, 4, 6, 12].includes(amount)) return amount * 30 * 1440 * minute;
  throw invalid(`invalid timeframe "${value}"`, 400);
}

function checkFeed(q: URLSearchParams, feeds: string[]): void {
  const feed = q.get("feed");
  if (feed !== null && !feeds.includes(feed))
    throw invalid(`invalid feed "${feed}": expected one of ${feeds.join(", ")}`, 400);
}

const currency = (q: URLSearchParams) => (q.get("currency") ? { currency: q.get("currency") } : {});

function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = q.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`invalid ${name} "${text}": expected an integer from ${min} to ${max}`, 400);
  }
  return value;
}

/** RFC 3339 or a plain date. */
function timeParam(q: URLSearchParams, name: string): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw invalid(`invalid ${name} "${text}": expected RFC 3339 or YYYY-MM-DD`, 400);
  return value;
}

function decodePageToken(token: string | null): number {
  if (token === null || token === "") return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match) throw invalid("invalid page_token", 400);
  return Number(match[1]);
}
