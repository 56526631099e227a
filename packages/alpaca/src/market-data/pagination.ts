/**
 * Hand-written (not generated). Bounded async iterators over Market Data's paged answers: each page's
 * `next_page_token` is sent back as `page_token` until it is null. Iteration stops quietly at `maxItems`
 * (the caller asked for that many) and throws PageLimitError past `maxPages` (default 1000), so a loop can
 * never run unbounded and never truncates data without saying so. A server that repeats a token is refused.
 */
import { BrokerkitError, MalformedResponseError } from "@brokerkit/middleware";
import type { MarketDataClient, MarketDataOperations, MarketDataSchemas } from "../generated/market-data/index.js";
import { httpErrorOf } from "../shared/http-error.js";

export interface PageOptions {
  /** Most pages fetched; more pages than this throws PageLimitError. Default 1000. */
  maxPages?: number;
  /** Stop (quietly) after this many items. */
  maxItems?: number;
  /** Start from this page token instead of the first page, e.g. PageLimitError.nextPageToken. */
  pageToken?: string;
  signal?: AbortSignal;
}

/** More pages remain than `maxPages` allows. `nextPageToken` continues where iteration stopped. */
export class PageLimitError extends BrokerkitError {
  readonly nextPageToken: string;
  readonly pages: number;
  constructor(message: string, details: { nextPageToken: string; pages: number }) {
    super(message);
    this.nextPageToken = details.nextPageToken;
    this.pages = details.pages;
  }
}

interface PageResult<Page> {
  data?: Page;
  error?: unknown;
  response: Response;
}

const DEFAULT_MAX_PAGES = 1000;

/**
 * Any `next_page_token` API as one stream of items. `fetchPage` gets the page token (undefined first);
 * `itemsOf` picks a page's items. `call` names the route in errors.
 */
export async function* paginate<Page extends { next_page_token?: string | null }, Item>(
  call: string,
  fetchPage: (pageToken: string | undefined, signal: AbortSignal | undefined) => Promise<PageResult<Page>>,
  itemsOf: (page: Page) => Iterable<Item>,
  options: PageOptions = {},
): AsyncGenerator<Item, void, undefined> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new RangeError(`${call}: maxPages must be a positive integer, got ${maxPages}`);
  }
  if (!(maxItems >= 0)) throw new RangeError(`${call}: maxItems must be ≥ 0, got ${maxItems}`);
  if (maxItems === 0) return;
  const seen = new Set<string>();
  let token = options.pageToken;
  let yielded = 0;
  for (let pages = 1; ; pages++) {
    const { data, error, response } = await fetchPage(token, options.signal);
    if (data === undefined) throw httpErrorOf(call, response, error);
    for (const item of itemsOf(data)) {
      yield item;
      if (++yielded >= maxItems) return;
    }
    const next = data.next_page_token;
    if (next === null || next === undefined || next === "") return;
    if (seen.has(next)) {
      throw new MalformedResponseError(
        `${call}: next_page_token "${next}" was already used; stopping to avoid a loop`,
        {
          method: "GET",
          status: response.status,
        },
      );
    }
    if (pages >= maxPages) {
      throw new PageLimitError(
        `${call}: more than ${maxPages} pages (maxPages); narrow start/end, raise limit or maxPages, or continue with page_token ${next}`,
        { nextPageToken: next, pages },
      );
    }
    seen.add(next);
    token = next;
  }
}

type Query<Operation extends keyof MarketDataOperations> = Omit<
  NonNullable<MarketDataOperations[Operation]["parameters"]["query"]>,
  "page_token"
>;
const signalInit = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
const withToken = <Q extends object>(query: Q, pageToken: string | undefined) =>
  pageToken === undefined ? query : { ...query, page_token: pageToken };

export type StockBar = MarketDataSchemas["StockBar"];
export type CryptoBar = MarketDataSchemas["CryptoBar"];
export type NewsArticle = MarketDataSchemas["NewsArticle"];

/** A bar of a multi-symbol answer, with the symbol it belongs to. */
export interface SymbolBar<Bar> {
  symbol: string;
  bar: Bar;
}

function* barsBySymbol<Bar>(bars: Record<string, Bar[] | undefined> | undefined): Iterable<SymbolBar<Bar>> {
  for (const [symbol, list] of Object.entries(bars ?? {})) for (const bar of list ?? []) yield { symbol, bar };
}

/** GET /v2/stocks/bars, every page: bars of several symbols, in the server's order (by symbol, then time). */
export function paginateStockBars(
  client: MarketDataClient,
  query: Query<"getStockBars">,
  options: PageOptions = {},
): AsyncGenerator<SymbolBar<StockBar>, void, undefined> {
  return paginate(
    "GET /v2/stocks/bars",
    (pageToken, signal) =>
      client.GET("/v2/stocks/bars", { params: { query: withToken(query, pageToken) }, ...signalInit(signal) }),
    (page) => barsBySymbol(page.bars),
    options,
  );
}

/** GET /v2/stocks/{symbol}/bars, every page. */
export function paginateSymbolBars(
  client: MarketDataClient,
  symbol: string,
  query: Query<"getStockBarsForSymbol">,
  options: PageOptions = {},
): AsyncGenerator<StockBar, void, undefined> {
  return paginate(
    `GET /v2/stocks/${symbol}/bars`,
    (pageToken, signal) =>
      client.GET("/v2/stocks/{symbol}/bars", {
        params: { path: { symbol }, query: withToken(query, pageToken) },
        ...signalInit(signal),
      }),
    (page) => page.bars ?? [],
    options,
  );
}

/** GET /v1beta3/crypto/{loc}/bars, every page (crypto data needs no credentials). */
export function paginateCryptoBars(
  client: MarketDataClient,
  loc: MarketDataOperations["getCryptoBars"]["parameters"]["path"]["loc"],
  query: Query<"getCryptoBars">,
  options: PageOptions = {},
): AsyncGenerator<SymbolBar<CryptoBar>, void, undefined> {
  return paginate(
    `GET /v1beta3/crypto/${loc}/bars`,
    (pageToken, signal) =>
      client.GET("/v1beta3/crypto/{loc}/bars", {
        params: { path: { loc }, query: withToken(query, pageToken) },
        ...signalInit(signal),
      }),
    (page) => barsBySymbol(page.bars),
    options,
  );
}

/** GET /v1beta1/news, every page (newest first unless `sort: "asc"`). */
export function paginateNews(
  client: MarketDataClient,
  query: Query<"getNews"> = {},
  options: PageOptions = {},
): AsyncGenerator<NewsArticle, void, undefined> {
  return paginate(
    "GET /v1beta1/news",
    (pageToken, signal) =>
      client.GET("/v1beta1/news", { params: { query: withToken(query, pageToken) }, ...signalInit(signal) }),
    (page) => page.news ?? [],
    options,
  );
}
