/**
 * Hand-written (not generated): ALOR's securities search (`GET /md/v2/Securities`) one page at a
 * time, as an async iterator with a hard bound, so nobody downloads the whole catalogue by accident.
 * ALOR pages by `limit`/`offset`; a page shorter than asked for is the last one.
 */
import { ConfigError } from "@brokerkit/middleware";
import type { AlorClient, AlorOperations, AlorSchemas } from "./generated/index.js";
import { unwrap } from "./unwrap.js";

export type AlorSecurity = AlorSchemas["Security"];
/** The search filters of /md/v2/Securities (`query`, `exchange`, `sector`, …), paging and format aside. */
export type SecuritiesFilter = Omit<
  NonNullable<AlorOperations["searchSecurities"]["parameters"]["query"]>,
  "limit" | "offset" | "format"
>;

export interface SecuritiesPagesOptions {
  filter?: SecuritiesFilter;
  /** Instruments per request (`limit`). Default 100. */
  pageSize?: number;
  /** Stop after this many pages, even if more exist. Default 50. */
  maxPages?: number;
  /** Stop after this many instruments in all (the last page is cut to fit). Default 5000. */
  maxItems?: number;
  /** Offset of the first page. Default 0. */
  offset?: number;
  signal?: AbortSignal;
}

export interface SecuritiesPage {
  securities: AlorSecurity[];
  /** `offset` this page was requested with. */
  offset: number;
  /** 0 for the first page. */
  index: number;
}

/** How the iteration ended: `truncated` when a bound stopped it after a full page (more may exist). */
export interface SecuritiesPagesEnd {
  truncated: boolean;
}

/**
 * Yields pages of the search until a short (or empty) page, or until `maxPages` / `maxItems`; its
 * return value says whether a bound cut it short. A failed page throws (see `unwrap`).
 */
export async function* securitiesPages(
  client: AlorClient,
  options: SecuritiesPagesOptions = {},
): AsyncGenerator<SecuritiesPage, SecuritiesPagesEnd, undefined> {
  const pageSize = positiveInteger(options.pageSize, 100, "pageSize");
  const maxPages = positiveInteger(options.maxPages, 50, "maxPages");
  const maxItems = positiveInteger(options.maxItems, 5000, "maxItems");
  let offset = options.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ConfigError(`securitiesPages: offset must be a whole number ≥ 0, got ${String(options.offset)}`);
  }
  let items = 0;
  for (let index = 0; index < maxPages && items < maxItems; index++) {
    // Never ask for more than the bound leaves, so the bound also limits what is downloaded.
    const limit = Math.min(pageSize, maxItems - items);
    // The answer's type is a union of ALOR's three formats; asking for Simple makes it the Simple shape.
    const securities = (await unwrap(
      client.GET("/md/v2/Securities", {
        params: { query: { ...options.filter, limit, offset, format: "Simple" } },
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    )) as AlorSecurity[];
    if (securities.length === 0) return { truncated: false };
    const page = securities.slice(0, limit);
    yield { securities: page, offset, index };
    items += page.length;
    offset += page.length;
    if (securities.length < limit) return { truncated: false };
  }
  return { truncated: true };
}

export interface SecuritiesSearchResult {
  securities: AlorSecurity[];
  /** True when a bound stopped the search while the last page was full (more may exist). */
  truncated: boolean;
}

/** Every page of `securitiesPages` in one array (same bounds), and whether a bound cut it short. */
export async function searchAllSecurities(
  client: AlorClient,
  options: SecuritiesPagesOptions = {},
): Promise<SecuritiesSearchResult> {
  const securities: AlorSecurity[] = [];
  const pages = securitiesPages(client, options);
  for (;;) {
    const step = await pages.next();
    if (step.done) return { securities, truncated: step.value.truncated };
    securities.push(...step.value.securities);
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`securitiesPages: ${name} must be a whole number ≥ 1, got ${String(value)}`);
  }
  return value;
}
