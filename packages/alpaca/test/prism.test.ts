/**
 * The generated clients and this package's helpers against Alpaca's OFFICIAL specs: Prism serves each spec
 * (from ../shared/specs, when present) and validates every request; each covered operation is sent through
 * the real client stack with `fetch: prism.fetch`, and no request may violate the spec. Prism does not
 * stream, so for the SSE operations the request (query shapes of a first connection and of a resumed one)
 * is what is validated.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startPrism } from "../../testing/src/prism.js";
import {
  createBrokerClient,
  streamAccountStatusEvents,
  streamTradeEvents,
  streamTradeEventsV1,
  submitAccountOrder,
} from "../src/broker.js";
import { createMarketDataClient, paginateNews, paginateStockBars } from "../src/market-data.js";
import {
  createTradingClient,
  findOrderByClientOrderId,
  getLegacyCalendar,
  getLegacyClock,
  submitOrder,
} from "../src/trading.js";

const specs = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/specs/alpaca");
const present = existsSync(join(specs, "trading-api.json"));
if (!present) console.warn(`prism.test.ts: skipped, Alpaca's official specs are not at ${specs}`);

const keys = { keyId: "PKPRISM0000000000001", secretKey: "prism-secret" };
const servers = (url: string) => ({ trading: url, data: url, broker: url, authx: url });
const ULID = "01J0000000000000000000000A";
const noRetry = { retry: false as const };

/**
 * Prism reports problems of its own mock answers too (its examples do not always match its spec); only
 * violations located in the request are about our clients.
 */
function requestViolations(prism: RunningPrism): unknown[] {
  return prism.violations.flatMap((entry) => {
    if (!Array.isArray(entry.violations)) return [entry];
    const inRequest = entry.violations.filter((v: { location?: string[] }) => v.location?.[0] === "request");
    return inRequest.length ? [{ ...entry, violations: inRequest }] : [];
  });
}

/** Prism's recording fetch, also counting what reached it, to prove that no call stopped before sending. */
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

/** Runs a call, keeping only what Prism said about the request: answers and parse errors do not matter here. */
async function send(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    // Prism's mock answers are examples, not a simulation; only request violations are asserted.
  }
}

/** Opens an SSE operation once (Prism answers without streaming) so that its request is validated. */
async function touch(stream: AsyncIterator<unknown> & { return(): Promise<unknown> }): Promise<void> {
  await send(async () => {
    await stream.next();
  });
  await send(() => stream.return());
}

describe.skipIf(!present)("requests validate against Alpaca's official specs (Prism)", () => {
  describe("Trading API", () => {
    let prism: RunningPrism;
    beforeAll(async () => {
      prism = await startPrism(join(specs, "trading-api.json"));
    });
    afterAll(() => prism?.close());

    it("every covered operation", async () => {
      const transport = counting(prism);
      const client = createTradingClient({
        environment: "paper",
        servers: servers(prism.url),
        credentials: keys,
        fetch: transport.fetch,
        ...noRetry,
      });
      const id = randomUUID();
      const order = {
        symbol: "AAPL",
        qty: "1",
        side: "buy",
        type: "limit",
        limit_price: "150",
        time_in_force: "day",
      } as const;
      const calls: (() => Promise<unknown>)[] = [
        () => client.GET("/v2/account"),
        () => client.GET("/v2/account/configurations"),
        () => client.PATCH("/v2/account/configurations", { body: { no_shorting: true, trade_confirm_email: "none" } }),
        () =>
          client.POST("/v2/positions/{symbol_or_contract_id}/exercise", {
            params: { path: { symbol_or_contract_id: "3f7a1c2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b" } },
          }),
        () =>
          client.POST("/v2/positions/{symbol_or_contract_id}/do-not-exercise", {
            params: { path: { symbol_or_contract_id: "3f7a1c2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b" } },
          }),
        () =>
          client.GET("/v2/account/activities", {
            params: { query: { activity_types: ["FILL", "CSD"], page_size: 50 } },
          }),
        () => client.GET("/v2/account/activities/{activity_type}", { params: { path: { activity_type: "FILL" } } }),
        () => client.GET("/v2/assets", { params: { query: { asset_class: "crypto", status: "active" } } }),
        () => client.GET("/v2/assets/{symbol_or_asset_id}", { params: { path: { symbol_or_asset_id: "AAPL" } } }),
        () =>
          client.GET("/v2/options/contracts", {
            params: {
              query: {
                underlying_symbols: "AAPL,SPY",
                status: "active",
                expiration_date_gte: "2026-12-18",
                type: "call",
                style: "american",
                strike_price_gte: 100,
                show_deliverables: true,
                limit: 100,
              },
            },
          }),
        () =>
          client.GET("/v2/options/contracts/{symbol_or_id}", {
            params: { path: { symbol_or_id: "AAPL261218C00150000" } },
          }),
        () => client.GET("/v2/clock"),
        () => client.GET("/v3/clock", { params: { query: { markets: "NYSE" } } }),
        () =>
          client.GET("/v2/calendar", {
            params: { query: { start: "2024-06-01T00:00:00Z", end: "2024-06-30T00:00:00Z" } },
          }),
        () =>
          client.GET("/v3/calendar/{market}", {
            params: { path: { market: "NYSE" }, query: { start: "2024-06-01", end: "2024-06-30" } },
          }),
        () => client.GET("/v2/orders", { params: { query: { status: "all", limit: 50, direction: "desc" } } }),
        () => client.POST("/v2/orders", { body: order }),
        () => client.DELETE("/v2/orders"),
        () => client.GET("/v2/orders/{order_id}", { params: { path: { order_id: id } } }),
        () =>
          client.PATCH("/v2/orders/{order_id}", { params: { path: { order_id: id } }, body: { limit_price: "151" } }),
        () => client.DELETE("/v2/orders/{order_id}", { params: { path: { order_id: id } } }),
        () => client.GET("/v2/orders:by_client_order_id", { params: { query: { client_order_id: "abc-1" } } }),
        () => client.GET("/v2/positions"),
        () => client.DELETE("/v2/positions", { params: { query: { cancel_orders: true } } }),
        () => client.GET("/v2/positions/{symbol_or_asset_id}", { params: { path: { symbol_or_asset_id: "AAPL" } } }),
        () =>
          client.DELETE("/v2/positions/{symbol_or_asset_id}", {
            params: { path: { symbol_or_asset_id: "AAPL" }, query: { percentage: 50 } },
          }),
        () => client.GET("/v2/watchlists"),
        () => client.POST("/v2/watchlists", { body: { name: "tech", symbols: ["AAPL", "MSFT"] } }),
        () => client.GET("/v2/watchlists/{watchlist_id}", { params: { path: { watchlist_id: id } } }),
        () => client.GET("/v2/watchlists:by_name", { params: { query: { name: "tech" } } }),
        () => client.POST("/v2/watchlists:by_name", { params: { query: { name: "tech" } }, body: { symbol: "AAPL" } }),
        () => client.PUT("/v2/watchlists:by_name", { params: { query: { name: "tech" } }, body: { name: "megacaps" } }),
        () => client.DELETE("/v2/watchlists:by_name", { params: { query: { name: "tech" } } }),
        () =>
          client.POST("/v2/watchlists/{watchlist_id}", {
            params: { path: { watchlist_id: id } },
            body: { symbol: "NVDA" },
          }),
        () =>
          client.PUT("/v2/watchlists/{watchlist_id}", {
            params: { path: { watchlist_id: id } },
            body: { name: "renamed" },
          }),
        () => client.DELETE("/v2/watchlists/{watchlist_id}", { params: { path: { watchlist_id: id } } }),
        () =>
          client.DELETE("/v2/watchlists/{watchlist_id}/{symbol}", {
            params: { path: { watchlist_id: id, symbol: "AAPL" } },
          }),
        // The hand-written helpers send what they send in production.
        () => submitOrder(client, order, { lookupDelayMs: 0 }),
        () => findOrderByClientOrderId(client, "abc-2"),
        () => getLegacyClock(client),
        () => getLegacyCalendar(client, { start: "2024-06-01T00:00:00Z", end: "2024-06-30T00:00:00Z" }),
      ];
      for (const call of calls) await send(call);
      expect(requestViolations(prism)).toEqual([]);
      expect(transport.sent.length).toBeGreaterThanOrEqual(calls.length);
    });
  });

  describe("Market Data API", () => {
    let prism: RunningPrism;
    beforeAll(async () => {
      prism = await startPrism(join(specs, "market-data-api.json"));
    });
    afterAll(() => prism?.close());

    it("every covered operation", async () => {
      const transport = counting(prism);
      const client = createMarketDataClient({
        environment: "paper",
        servers: servers(prism.url),
        credentials: keys,
        fetch: transport.fetch,
        ...noRetry,
      });
      const window = { start: "2024-01-02T14:30:00Z", end: "2024-01-03T21:00:00Z", limit: 100 };
      const symbol = { path: { symbol: "AAPL" } };
      const calls: (() => Promise<unknown>)[] = [
        () =>
          client.GET("/v2/stocks/bars", { params: { query: { symbols: "AAPL,MSFT", timeframe: "1Min", ...window } } }),
        () =>
          client.GET("/v2/stocks/{symbol}/bars", { params: { ...symbol, query: { timeframe: "1Hour", ...window } } }),
        () => client.GET("/v2/stocks/quotes", { params: { query: { symbols: "AAPL", ...window } } }),
        () => client.GET("/v2/stocks/{symbol}/quotes", { params: { ...symbol, query: window } }),
        () => client.GET("/v2/stocks/trades", { params: { query: { symbols: "AAPL", ...window, feed: "iex" } } }),
        () => client.GET("/v2/stocks/{symbol}/trades", { params: { ...symbol, query: window } }),
        () => client.GET("/v2/stocks/quotes/latest", { params: { query: { symbols: "AAPL,MSFT" } } }),
        () => client.GET("/v2/stocks/{symbol}/quotes/latest", { params: symbol }),
        () => client.GET("/v2/stocks/trades/latest", { params: { query: { symbols: "AAPL" } } }),
        () => client.GET("/v2/stocks/{symbol}/trades/latest", { params: symbol }),
        () => client.GET("/v2/stocks/bars/latest", { params: { query: { symbols: "AAPL,MSFT", feed: "iex" } } }),
        () => client.GET("/v2/stocks/{symbol}/bars/latest", { params: symbol }),
        () => client.GET("/v2/stocks/meta/exchanges"),
        () =>
          client.GET("/v2/stocks/meta/conditions/{ticktype}", {
            params: { path: { ticktype: "trade" }, query: { tape: "A" } },
          }),
        () => client.GET("/v2/stocks/snapshots", { params: { query: { symbols: "AAPL,MSFT" } } }),
        () => client.GET("/v2/stocks/{symbol}/snapshot", { params: symbol }),
        () =>
          client.GET("/v1beta3/crypto/{loc}/bars", {
            params: { path: { loc: "us" }, query: { symbols: "BTC/USD", timeframe: "1Hour", ...window } },
          }),
        () =>
          client.GET("/v1beta3/crypto/{loc}/latest/quotes", {
            params: { path: { loc: "us" }, query: { symbols: "BTC/USD,ETH/USD" } },
          }),
        () =>
          client.GET("/v1beta3/crypto/{loc}/trades", {
            params: { path: { loc: "us" }, query: { symbols: "BTC/USD", ...window, limit: 100, sort: "asc" } },
          }),
        () =>
          client.GET("/v1beta3/crypto/{loc}/quotes", {
            params: { path: { loc: "us" }, query: { symbols: "BTC/USD,ETH/USD", ...window } },
          }),
        () =>
          client.GET("/v1beta3/crypto/{loc}/latest/trades", {
            params: { path: { loc: "us" }, query: { symbols: "BTC/USD" } },
          }),
        () =>
          client.GET("/v1beta3/crypto/{loc}/latest/bars", {
            params: { path: { loc: "us" }, query: { symbols: "ETH/USD" } },
          }),
        () => client.GET("/v1beta1/options/meta/exchanges"),
        () => client.GET("/v1beta1/options/meta/conditions/{ticktype}", { params: { path: { ticktype: "quote" } } }),
        () => client.GET("/v1beta1/news", { params: { query: { symbols: "AAPL", limit: 10, include_content: true } } }),
        // Pagination helpers, including a follow-up page request with page_token.
        async () => {
          for await (const _ of paginateStockBars(
            client,
            { symbols: "AAPL", timeframe: "1Day", limit: 2 },
            { maxPages: 2 },
          ));
        },
        async () => {
          for await (const _ of paginateNews(client, { limit: 5 }, { maxPages: 2 }));
        },
      ];
      for (const call of calls) await send(call);
      expect(requestViolations(prism)).toEqual([]);
      expect(transport.sent.length).toBeGreaterThanOrEqual(calls.length);
    });
  });

  describe("Broker API", () => {
    let prism: RunningPrism;
    beforeAll(async () => {
      prism = await startPrism(join(specs, "broker-api.json"));
    });
    afterAll(() => prism?.close());

    it("every covered operation, and the SSE requests of a first and a resumed connection", async () => {
      const transport = counting(prism);
      const client = createBrokerClient({
        environment: "broker-sandbox",
        servers: servers(prism.url),
        credentials: { username: "CKPRISM", password: "prism-broker-secret" },
        fetch: transport.fetch,
        ...noRetry,
      });
      const account = { path: { account_id: randomUUID() } };
      const order = {
        symbol: "AAPL",
        qty: "1",
        side: "buy",
        type: "limit",
        limit_price: "150",
        time_in_force: "day",
      } as const;
      const sse = { maxReconnects: 0, idleTimeoutMs: 2_000 };
      const calls: (() => Promise<unknown>)[] = [
        () => client.GET("/v1/accounts", { params: { query: { query: "ada", status: "ACTIVE", sort: "desc" } } }),
        () =>
          client.POST("/v1/accounts", {
            body: {
              contact: {
                email_address: "ada.lovelace@example.test",
                phone_number: "+15555550100",
                street_address: ["20 N San Mateo Dr"],
                city: "San Mateo",
                state: "CA",
                postal_code: "94401",
              },
              identity: {
                given_name: "Ada",
                family_name: "Lovelace",
                date_of_birth: "1990-12-10",
                tax_id: "666-55-4321",
                tax_id_type: "USA_SSN",
                country_of_tax_residence: "USA",
                funding_source: ["employment_income"],
              },
              disclosures: {
                is_control_person: false,
                is_affiliated_exchange_or_finra: false,
                is_politically_exposed: false,
                immediate_family_exposed: false,
              },
              agreements: [
                { agreement: "customer_agreement", signed_at: "2024-01-02T15:04:05Z", ip_address: "127.0.0.1" },
              ],
            },
          }),
        () => client.GET("/v1/accounts/{account_id}", { params: account }),
        () =>
          client.GET("/v1/trading/accounts/{account_id}/orders", { params: { ...account, query: { status: "all" } } }),
        () => client.POST("/v1/trading/accounts/{account_id}/orders", { params: account, body: order }),
        () => client.DELETE("/v1/trading/accounts/{account_id}/orders", { params: account }),
        () =>
          client.GET("/v1/trading/accounts/{account_id}/orders/{order_id}", {
            params: { path: { ...account.path, order_id: randomUUID() } },
          }),
        () =>
          client.PATCH("/v1/trading/accounts/{account_id}/orders/{order_id}", {
            params: { path: { ...account.path, order_id: randomUUID() } },
            body: { qty: "2" },
          }),
        () =>
          client.DELETE("/v1/trading/accounts/{account_id}/orders/{order_id}", {
            params: { path: { ...account.path, order_id: randomUUID() } },
          }),
        () => client.GET("/v1/trading/accounts/{account_id}/positions", { params: account }),
        () =>
          client.DELETE("/v1/trading/accounts/{account_id}/positions", {
            params: { ...account, query: { cancel_orders: true } },
          }),
        () =>
          client.GET("/v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}", {
            params: { path: { ...account.path, symbol_or_asset_id: "AAPL" } },
          }),
        () =>
          client.DELETE("/v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}", {
            params: { path: { ...account.path, symbol_or_asset_id: "AAPL" }, query: { qty: "1" } },
          }),
        () => submitAccountOrder(client, account.path.account_id, order, { lookupDelayMs: 0 }),
        // SSE: the first connection's query, and the shape a resumed connection sends.
        () => touch(streamTradeEvents(client, { since: "2024-06-03", until: "2024-06-04" }, sse)),
        () => touch(streamTradeEvents(client, { since_id: ULID, until_id: ULID }, sse)),
        () => touch(streamTradeEventsV1(client, { since_id: 10, until_id: 20 }, sse)),
        () => touch(streamTradeEventsV1(client, { since_ulid: ULID }, sse)),
        () => touch(streamAccountStatusEvents(client, { since: "2024-06-03", until: "2024-06-04" }, sse)),
        () => touch(streamAccountStatusEvents(client, { since_ulid: ULID, id: account.path.account_id }, sse)),
      ];
      for (const call of calls) await send(call);
      expect(requestViolations(prism)).toEqual([]);
      expect(transport.sent.length).toBeGreaterThanOrEqual(calls.length);
    });
  });
});
