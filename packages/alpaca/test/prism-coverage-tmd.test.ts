/**
 * Every operation of Alpaca's OFFICIAL Trading and Market Data specs, sent once through the generated
 * clients to Prism serving that official spec. The tables are keyed by `METHOD /path` as the official spec
 * writes it, and the test first proves the table names exactly the official operations (so a new Alpaca
 * operation, or one we drop, fails here), then that each entry's request reached Prism on that route and
 * that Prism found nothing wrong with any request.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startPrism } from "../../testing/src/prism.js";
import { createMarketDataClient } from "../src/market-data.js";
import { createTradingClient } from "../src/trading.js";

const specs = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/specs/alpaca");
const present = existsSync(join(specs, "trading-api.json")) && existsSync(join(specs, "market-data-api.json"));
if (!present) console.warn(`prism-coverage-tmd.test.ts: skipped, Alpaca's official specs are not at ${specs}`);

const keys = { keyId: "PKPRISM0000000000001", secretKey: "prism-secret" };
const servers = (url: string) => ({ trading: url, data: url, broker: url, authx: url });
const noRetry = { retry: false as const };
const METHODS = ["get", "put", "post", "delete", "patch"];

type Call = () => Promise<unknown>;

/** `METHOD /path` of every operation in an official spec file. */
function officialOperations(file: string): string[] {
  const spec = JSON.parse(readFileSync(join(specs, file), "utf8")) as { paths: Record<string, object> };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** A matcher for concrete `METHOD /path` lines sent for the operation `METHOD /template`. */
function routeOf(operation: string): RegExp {
  const [method, template] = operation.split(" ") as [string, string];
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${method} ${pattern}$`);
}

/** Prism's own mock answers may not match its spec; only violations located in the request are ours. */
function requestViolations(prism: RunningPrism, from: number): unknown[] {
  return prism.violations.slice(from).flatMap((entry) => {
    if (!Array.isArray(entry.violations)) return [entry];
    const inRequest = entry.violations.filter((v: { location?: string[] }) => v.location?.[0] === "request");
    return inRequest.length ? [{ ...entry, violations: inRequest }] : [];
  });
}

/**
 * Sends each table entry and records, per operation, what reached Prism and what Prism said about it.
 * Answers and parse errors do not matter here: Prism's mock answers are examples, not a simulation.
 */
async function sendAll(
  prism: RunningPrism,
  sent: string[],
  table: Record<string, Call>,
): Promise<{ operation: string; reached: boolean; violations: unknown[] }[]> {
  const results = [];
  for (const [operation, call] of Object.entries(table)) {
    const sentBefore = sent.length;
    const violationsBefore = prism.violations.length;
    try {
      await call();
    } catch {
      // Only the request is asserted.
    }
    const route = routeOf(operation);
    results.push({
      operation,
      reached: sent.slice(sentBefore).some((line) => route.test(line)),
      violations: requestViolations(prism, violationsBefore),
    });
  }
  return results;
}

/** Prism's recording fetch, also noting `METHOD /path` of what reached it. */
function counting(prism: RunningPrism): { fetch: typeof fetch; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    fetch: (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return prism.fetch(input, init);
    },
  };
}

function tradingTable(client: ReturnType<typeof createTradingClient>): Record<string, Call> {
  const id = randomUUID();
  const contract = { path: { symbol_or_contract_id: "3f7a1c2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b" } };
  const order = {
    symbol: "AAPL",
    qty: "1",
    side: "buy",
    type: "limit",
    limit_price: "150",
    time_in_force: "day",
  } as const;
  const transfer = { amount: "0.5", address: "0xabc0000000000000000000000000000000000001", asset: "USDC" };
  return {
    "GET /v2/account": () => client.GET("/v2/account"),
    "GET /v2/account/configurations": () => client.GET("/v2/account/configurations"),
    "PATCH /v2/account/configurations": () =>
      client.PATCH("/v2/account/configurations", { body: { no_shorting: true, trade_confirm_email: "none" } }),
    "GET /v2/account/portfolio/history": () =>
      client.GET("/v2/account/portfolio/history", {
        params: { query: { period: "1M", timeframe: "1D", intraday_reporting: "market_hours", pnl_reset: "per_day" } },
      }),
    "GET /v2/account/activities": () =>
      client.GET("/v2/account/activities", { params: { query: { activity_types: ["FILL", "CSD"], page_size: 50 } } }),
    "GET /v2/account/activities/{activity_type}": () =>
      client.GET("/v2/account/activities/{activity_type}", { params: { path: { activity_type: "FILL" } } }),
    "GET /v2beta1/events/activities": () =>
      client.GET("/v2beta1/events/activities", {
        params: { query: { since: "2024-06-01T00:00:00Z" } },
        parseAs: "stream",
      }),
    "GET /v2/orders": () =>
      client.GET("/v2/orders", { params: { query: { status: "all", limit: 50, direction: "desc" } } }),
    "POST /v2/orders": () => client.POST("/v2/orders", { body: order }),
    "DELETE /v2/orders": () => client.DELETE("/v2/orders"),
    "GET /v2/orders/{order_id}": () => client.GET("/v2/orders/{order_id}", { params: { path: { order_id: id } } }),
    "PATCH /v2/orders/{order_id}": () =>
      client.PATCH("/v2/orders/{order_id}", { params: { path: { order_id: id } }, body: { limit_price: "151" } }),
    "DELETE /v2/orders/{order_id}": () =>
      client.DELETE("/v2/orders/{order_id}", { params: { path: { order_id: id } } }),
    "GET /v2/orders:by_client_order_id": () =>
      client.GET("/v2/orders:by_client_order_id", { params: { query: { client_order_id: "abc-1" } } }),
    "GET /v2/positions": () => client.GET("/v2/positions"),
    "DELETE /v2/positions": () => client.DELETE("/v2/positions", { params: { query: { cancel_orders: true } } }),
    "GET /v2/positions/{symbol_or_asset_id}": () =>
      client.GET("/v2/positions/{symbol_or_asset_id}", { params: { path: { symbol_or_asset_id: "AAPL" } } }),
    "DELETE /v2/positions/{symbol_or_asset_id}": () =>
      client.DELETE("/v2/positions/{symbol_or_asset_id}", {
        params: { path: { symbol_or_asset_id: "AAPL" }, query: { percentage: 50 } },
      }),
    "POST /v2/positions/{symbol_or_contract_id}/exercise": () =>
      client.POST("/v2/positions/{symbol_or_contract_id}/exercise", { params: contract }),
    "POST /v2/positions/{symbol_or_contract_id}/do-not-exercise": () =>
      client.POST("/v2/positions/{symbol_or_contract_id}/do-not-exercise", { params: contract }),
    "GET /v2/assets": () =>
      client.GET("/v2/assets", { params: { query: { asset_class: "crypto", status: "active" } } }),
    "GET /v2/assets/{symbol_or_asset_id}": () =>
      client.GET("/v2/assets/{symbol_or_asset_id}", { params: { path: { symbol_or_asset_id: "AAPL" } } }),
    "GET /v2/assets/fixed_income/us_corporates": () =>
      client.GET("/v2/assets/fixed_income/us_corporates", { params: { query: { isins: "US037833AK68" } } }),
    "GET /v2/assets/fixed_income/us_treasuries": () =>
      client.GET("/v2/assets/fixed_income/us_treasuries", { params: { query: { subtype: "bond" } } }),
    "GET /v2/options/contracts": () =>
      client.GET("/v2/options/contracts", {
        params: { query: { underlying_symbols: "AAPL,SPY", status: "active", type: "call", limit: 100 } },
      }),
    "GET /v2/options/contracts/{symbol_or_id}": () =>
      client.GET("/v2/options/contracts/{symbol_or_id}", { params: { path: { symbol_or_id: "AAPL261218C00150000" } } }),
    "GET /v2/clock": () => client.GET("/v2/clock"),
    "GET /v3/clock": () => client.GET("/v3/clock", { params: { query: { markets: "NYSE" } } }),
    "GET /v2/calendar": () =>
      client.GET("/v2/calendar", { params: { query: { start: "2024-06-01T00:00:00Z", end: "2024-06-30T00:00:00Z" } } }),
    "GET /v3/calendar/{market}": () =>
      client.GET("/v3/calendar/{market}", {
        params: { path: { market: "NYSE" }, query: { start: "2024-06-01", end: "2024-06-30" } },
      }),
    "GET /v2/watchlists": () => client.GET("/v2/watchlists"),
    "POST /v2/watchlists": () => client.POST("/v2/watchlists", { body: { name: "tech", symbols: ["AAPL", "MSFT"] } }),
    "GET /v2/watchlists/{watchlist_id}": () =>
      client.GET("/v2/watchlists/{watchlist_id}", { params: { path: { watchlist_id: id } } }),
    "POST /v2/watchlists/{watchlist_id}": () =>
      client.POST("/v2/watchlists/{watchlist_id}", {
        params: { path: { watchlist_id: id } },
        body: { symbol: "NVDA" },
      }),
    "PUT /v2/watchlists/{watchlist_id}": () =>
      client.PUT("/v2/watchlists/{watchlist_id}", {
        params: { path: { watchlist_id: id } },
        body: { name: "renamed" },
      }),
    "DELETE /v2/watchlists/{watchlist_id}": () =>
      client.DELETE("/v2/watchlists/{watchlist_id}", { params: { path: { watchlist_id: id } } }),
    "DELETE /v2/watchlists/{watchlist_id}/{symbol}": () =>
      client.DELETE("/v2/watchlists/{watchlist_id}/{symbol}", {
        params: { path: { watchlist_id: id, symbol: "AAPL" } },
      }),
    "GET /v2/watchlists:by_name": () => client.GET("/v2/watchlists:by_name", { params: { query: { name: "tech" } } }),
    "POST /v2/watchlists:by_name": () =>
      client.POST("/v2/watchlists:by_name", { params: { query: { name: "tech" } }, body: { symbol: "AAPL" } }),
    "PUT /v2/watchlists:by_name": () =>
      client.PUT("/v2/watchlists:by_name", { params: { query: { name: "tech" } }, body: { name: "megacaps" } }),
    "DELETE /v2/watchlists:by_name": () =>
      client.DELETE("/v2/watchlists:by_name", { params: { query: { name: "tech" } } }),
    "GET /v1/locates": () => client.GET("/v1/locates"),
    "POST /v1/locates": () => client.POST("/v1/locates", { body: { symbol: "GME", qty: 100 } }),
    "GET /v1/locates/{locate_id}": () => client.GET("/v1/locates/{locate_id}", { params: { path: { locate_id: id } } }),
    "GET /v1/locates/quotes": () => client.GET("/v1/locates/quotes", { params: { query: { symbols: "GME,AMC" } } }),
    "GET /v2/corporate_actions/announcements": () =>
      client.GET("/v2/corporate_actions/announcements", {
        params: { query: { ca_types: "dividend,split", since: "2024-06-01", until: "2024-06-30" } },
      }),
    "GET /v2/corporate_actions/announcements/{id}": () =>
      client.GET("/v2/corporate_actions/announcements/{id}", { params: { path: { id } } }),
    "GET /v2/wallets": () => client.GET("/v2/wallets"),
    "GET /v2/wallets/fees/estimate": () => client.GET("/v2/wallets/fees/estimate"),
    "GET /v2/wallets/transfers": () => client.GET("/v2/wallets/transfers"),
    "POST /v2/wallets/transfers": () => client.POST("/v2/wallets/transfers", { body: transfer }),
    "GET /v2/wallets/transfers/{transfer_id}": () =>
      client.GET("/v2/wallets/transfers/{transfer_id}", { params: { path: { transfer_id: id } } }),
    "GET /v2/wallets/whitelists": () => client.GET("/v2/wallets/whitelists"),
    "POST /v2/wallets/whitelists": () =>
      client.POST("/v2/wallets/whitelists", { body: { address: transfer.address, asset: "ETH", chain: "ETH" } }),
    "DELETE /v2/wallets/whitelists/{whitelisted_address_id}": () =>
      client.DELETE("/v2/wallets/whitelists/{whitelisted_address_id}", {
        params: { path: { whitelisted_address_id: id } },
      }),
    "GET /v2/perpetuals/account_vitals": () => client.GET("/v2/perpetuals/account_vitals"),
    "GET /v2/perpetuals/leverage": () =>
      client.GET("/v2/perpetuals/leverage", { params: { query: { symbol: "BTC-PERP" } } }),
    "POST /v2/perpetuals/leverage": () =>
      client.POST("/v2/perpetuals/leverage", { params: { query: { symbol: "BTC-PERP", leverage: 5 } } }),
    "GET /v2/perpetuals/wallets": () => client.GET("/v2/perpetuals/wallets"),
    "GET /v2/perpetuals/wallets/fees/estimate": () => client.GET("/v2/perpetuals/wallets/fees/estimate"),
    "GET /v2/perpetuals/wallets/transfers": () => client.GET("/v2/perpetuals/wallets/transfers"),
    "POST /v2/perpetuals/wallets/transfers": () => client.POST("/v2/perpetuals/wallets/transfers", { body: transfer }),
    "GET /v2/perpetuals/wallets/transfers/{transfer_id}": () =>
      client.GET("/v2/perpetuals/wallets/transfers/{transfer_id}", { params: { path: { transfer_id: id } } }),
    "GET /v2/perpetuals/wallets/whitelists": () => client.GET("/v2/perpetuals/wallets/whitelists"),
    "POST /v2/perpetuals/wallets/whitelists": () =>
      client.POST("/v2/perpetuals/wallets/whitelists", { body: { address: transfer.address, asset: "USDC" } }),
    "DELETE /v2/perpetuals/wallets/whitelists/{whitelisted_address_id}": () =>
      client.DELETE("/v2/perpetuals/wallets/whitelists/{whitelisted_address_id}", {
        params: { path: { whitelisted_address_id: id } },
      }),
    "POST /v2/tokenization/mint": () =>
      client.POST("/v2/tokenization/mint", {
        body: {
          underlying_symbol: "AAPL",
          qty: "2",
          issuer: "xstocks",
          network: "solana",
          wallet_address: "So1ana00000000000000000000000000000000000001",
        },
      }),
    "GET /v2/tokenization/requests": () => client.GET("/v2/tokenization/requests"),
  };
}

function marketDataTable(client: ReturnType<typeof createMarketDataClient>): Record<string, Call> {
  const window = { start: "2024-01-02T14:30:00Z", end: "2024-01-03T21:00:00Z", limit: 100 };
  const symbol = { path: { symbol: "AAPL" } };
  const us = { loc: "us" } as const;
  const perps = { path: { loc: "global" }, query: { symbols: "BTC-PERP" } } as const;
  const options = "AAPL261218C00150000,AAPL261218P00150000";
  return {
    "GET /v2/stocks/bars": () =>
      client.GET("/v2/stocks/bars", { params: { query: { symbols: "AAPL,MSFT", timeframe: "1Min", ...window } } }),
    "GET /v2/stocks/{symbol}/bars": () =>
      client.GET("/v2/stocks/{symbol}/bars", { params: { ...symbol, query: { timeframe: "1Hour", ...window } } }),
    "GET /v2/stocks/quotes": () =>
      client.GET("/v2/stocks/quotes", { params: { query: { symbols: "AAPL", ...window } } }),
    "GET /v2/stocks/{symbol}/quotes": () =>
      client.GET("/v2/stocks/{symbol}/quotes", { params: { ...symbol, query: window } }),
    "GET /v2/stocks/trades": () =>
      client.GET("/v2/stocks/trades", { params: { query: { symbols: "AAPL", ...window, feed: "iex" } } }),
    "GET /v2/stocks/{symbol}/trades": () =>
      client.GET("/v2/stocks/{symbol}/trades", { params: { ...symbol, query: window } }),
    "GET /v2/stocks/auctions": () =>
      client.GET("/v2/stocks/auctions", { params: { query: { symbols: "AAPL,MSFT", ...window } } }),
    "GET /v2/stocks/{symbol}/auctions": () =>
      client.GET("/v2/stocks/{symbol}/auctions", { params: { ...symbol, query: window } }),
    "GET /v2/stocks/quotes/latest": () =>
      client.GET("/v2/stocks/quotes/latest", { params: { query: { symbols: "AAPL,MSFT" } } }),
    "GET /v2/stocks/{symbol}/quotes/latest": () => client.GET("/v2/stocks/{symbol}/quotes/latest", { params: symbol }),
    "GET /v2/stocks/trades/latest": () =>
      client.GET("/v2/stocks/trades/latest", { params: { query: { symbols: "AAPL" } } }),
    "GET /v2/stocks/{symbol}/trades/latest": () => client.GET("/v2/stocks/{symbol}/trades/latest", { params: symbol }),
    "GET /v2/stocks/bars/latest": () =>
      client.GET("/v2/stocks/bars/latest", { params: { query: { symbols: "AAPL,MSFT", feed: "iex" } } }),
    "GET /v2/stocks/{symbol}/bars/latest": () => client.GET("/v2/stocks/{symbol}/bars/latest", { params: symbol }),
    "GET /v2/stocks/meta/exchanges": () => client.GET("/v2/stocks/meta/exchanges"),
    "GET /v2/stocks/meta/conditions/{ticktype}": () =>
      client.GET("/v2/stocks/meta/conditions/{ticktype}", {
        params: { path: { ticktype: "trade" }, query: { tape: "A" } },
      }),
    "GET /v2/stocks/snapshots": () =>
      client.GET("/v2/stocks/snapshots", { params: { query: { symbols: "AAPL,MSFT" } } }),
    "GET /v2/stocks/{symbol}/snapshot": () => client.GET("/v2/stocks/{symbol}/snapshot", { params: symbol }),
    "GET /v1beta3/crypto/{loc}/bars": () =>
      client.GET("/v1beta3/crypto/{loc}/bars", {
        params: { path: us, query: { symbols: "BTC/USD", timeframe: "1Hour", ...window } },
      }),
    "GET /v1beta3/crypto/{loc}/trades": () =>
      client.GET("/v1beta3/crypto/{loc}/trades", { params: { path: us, query: { symbols: "BTC/USD", ...window } } }),
    "GET /v1beta3/crypto/{loc}/quotes": () =>
      client.GET("/v1beta3/crypto/{loc}/quotes", { params: { path: us, query: { symbols: "BTC/USD", ...window } } }),
    "GET /v1beta3/crypto/{loc}/latest/bars": () =>
      client.GET("/v1beta3/crypto/{loc}/latest/bars", { params: { path: us, query: { symbols: "ETH/USD" } } }),
    "GET /v1beta3/crypto/{loc}/latest/quotes": () =>
      client.GET("/v1beta3/crypto/{loc}/latest/quotes", {
        params: { path: us, query: { symbols: "BTC/USD,ETH/USD" } },
      }),
    "GET /v1beta3/crypto/{loc}/latest/trades": () =>
      client.GET("/v1beta3/crypto/{loc}/latest/trades", { params: { path: us, query: { symbols: "BTC/USD" } } }),
    "GET /v1beta3/crypto/{loc}/latest/orderbooks": () =>
      client.GET("/v1beta3/crypto/{loc}/latest/orderbooks", { params: { path: us, query: { symbols: "BTC/USD" } } }),
    "GET /v1beta3/crypto/{loc}/snapshots": () =>
      client.GET("/v1beta3/crypto/{loc}/snapshots", { params: { path: us, query: { symbols: "BTC/USD,ETH/USD" } } }),
    "GET /v1beta1/crypto-perps/{loc}/latest/bars": () =>
      client.GET("/v1beta1/crypto-perps/{loc}/latest/bars", { params: perps }),
    "GET /v1beta1/crypto-perps/{loc}/latest/orderbooks": () =>
      client.GET("/v1beta1/crypto-perps/{loc}/latest/orderbooks", { params: perps }),
    "GET /v1beta1/crypto-perps/{loc}/latest/pricing": () =>
      client.GET("/v1beta1/crypto-perps/{loc}/latest/pricing", { params: perps }),
    "GET /v1beta1/crypto-perps/{loc}/latest/quotes": () =>
      client.GET("/v1beta1/crypto-perps/{loc}/latest/quotes", { params: perps }),
    "GET /v1beta1/crypto-perps/{loc}/latest/trades": () =>
      client.GET("/v1beta1/crypto-perps/{loc}/latest/trades", { params: perps }),
    "GET /v1beta1/options/meta/exchanges": () => client.GET("/v1beta1/options/meta/exchanges"),
    "GET /v1beta1/options/meta/conditions/{ticktype}": () =>
      client.GET("/v1beta1/options/meta/conditions/{ticktype}", { params: { path: { ticktype: "quote" } } }),
    "GET /v1beta1/options/bars": () =>
      client.GET("/v1beta1/options/bars", { params: { query: { symbols: options, timeframe: "1Day", ...window } } }),
    "GET /v1beta1/options/trades": () =>
      client.GET("/v1beta1/options/trades", { params: { query: { symbols: options, ...window } } }),
    "GET /v1beta1/options/quotes/latest": () =>
      client.GET("/v1beta1/options/quotes/latest", { params: { query: { symbols: options, feed: "indicative" } } }),
    "GET /v1beta1/options/trades/latest": () =>
      client.GET("/v1beta1/options/trades/latest", { params: { query: { symbols: options } } }),
    "GET /v1beta1/options/snapshots": () =>
      client.GET("/v1beta1/options/snapshots", { params: { query: { symbols: options } } }),
    "GET /v1beta1/options/snapshots/{underlying_symbol}": () =>
      client.GET("/v1beta1/options/snapshots/{underlying_symbol}", {
        params: { path: { underlying_symbol: "AAPL" }, query: { type: "call", limit: 50 } },
      }),
    "GET /v1beta1/fixed_income/latest/prices": () =>
      client.GET("/v1beta1/fixed_income/latest/prices", { params: { query: { isins: "US912810TD00" } } }),
    "GET /v1beta1/fixed_income/latest/quotes": () =>
      client.GET("/v1beta1/fixed_income/latest/quotes", { params: { query: { isins: "US912810TD00" } } }),
    "GET /v1beta1/forex/latest/rates": () =>
      client.GET("/v1beta1/forex/latest/rates", { params: { query: { currency_pairs: "USDJPY,EURUSD" } } }),
    "GET /v1beta1/forex/rates": () =>
      client.GET("/v1beta1/forex/rates", {
        params: { query: { currency_pairs: "USDJPY", timeframe: "1Hour", start: window.start, end: window.end } },
      }),
    "GET /v1beta1/indices/latest/values": () =>
      client.GET("/v1beta1/indices/latest/values", { params: { query: { symbols: "SPX" } } }),
    "GET /v1beta1/indices/values": () =>
      client.GET("/v1beta1/indices/values", { params: { query: { symbols: "SPX", start: window.start } } }),
    "GET /v1beta1/logos/{symbol}": () =>
      client.GET("/v1beta1/logos/{symbol}", { params: { path: { symbol: "AAPL" } }, parseAs: "blob" }),
    "GET /v1beta1/screener/{market_type}/movers": () =>
      client.GET("/v1beta1/screener/{market_type}/movers", { params: { path: { market_type: "stocks" } } }),
    "GET /v1beta1/screener/stocks/most-actives": () =>
      client.GET("/v1beta1/screener/stocks/most-actives", { params: { query: { by: "volume", top: 10 } } }),
    "GET /v1beta1/news": () =>
      client.GET("/v1beta1/news", { params: { query: { symbols: "AAPL", limit: 10, include_content: true } } }),
    "GET /v1/corporate-actions": () =>
      client.GET("/v1/corporate-actions", {
        params: { query: { symbols: "AAPL", types: "cash_dividend,forward_split", start: "2024-01-01" } },
      }),
  };
}

describe.skipIf(!present)("every official Trading and Market Data operation, validated by Prism", () => {
  const apis = [
    {
      name: "Trading API",
      file: "trading-api.json",
      table: (url: string, fetch: typeof globalThis.fetch) =>
        tradingTable(
          createTradingClient({ environment: "paper", servers: servers(url), credentials: keys, fetch, ...noRetry }),
        ),
    },
    {
      name: "Market Data API",
      file: "market-data-api.json",
      table: (url: string, fetch: typeof globalThis.fetch) =>
        marketDataTable(
          createMarketDataClient({ environment: "paper", servers: servers(url), credentials: keys, fetch, ...noRetry }),
        ),
    },
  ];

  for (const api of apis) {
    describe(api.name, () => {
      let prism: RunningPrism;
      beforeAll(async () => {
        prism = await startPrism(join(specs, api.file));
      });
      afterAll(() => prism?.close());

      it("the table names exactly the official operations, and each is sent with 0 request violations", async () => {
        const transport = counting(prism);
        const table = api.table(prism.url, transport.fetch);
        expect(Object.keys(table).sort()).toEqual(officialOperations(api.file).sort());

        const results = await sendAll(prism, transport.sent, table);
        // One list, so that a failure names every operation at fault and why.
        expect(results.filter((r) => !r.reached || r.violations.length > 0)).toEqual([]);
      });
    });
  }
});
