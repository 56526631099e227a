/**
 * Trading API routes: account, orders (including lookup by client order id), positions, assets, clock and
 * calendar (legacy and v3), watchlists and account activities, for the caller's own trading account.
 * /v2/clock can be retired (410 Gone or 404), as Alpaca does with superseded routes.
 */
import { AccountConfigurations } from "./account-configurations.js";
import { pageActivities } from "./activities.js";
import { calendarBody, clockBody, legacyCalendarBody, legacyClockBody } from "./calendar.js";
import { ASSETS, assetBody, findAsset } from "./fixtures.js";
import type { OrderBook } from "./orders.js";
import { ErrorCode, fail, noContent, ok, type Reply } from "./reply.js";
import type { JsonRoute, RouteContext } from "./routes.js";
import type { Watchlists } from "./watchlists.js";

/** How the simulator answers the retired /v2/clock. */
export type LegacyClockMode = "gone" | "not-found" | "available";

export interface TradingState {
  book: OrderBook;
  watchlists: Watchlists;
  accountNumbers: ReadonlyMap<string, string>;
  accountCreatedAt: string;
  legacyClock: () => LegacyClockMode;
  onOrderCreated: () => void;
}

export function tradingRoutes(state: TradingState): JsonRoute[] {
  const route = (method: string, template: string, handle: (c: RouteContext, account: string) => Reply): JsonRoute => ({
    method,
    template,
    api: "trading",
    handle: (context) => handle(context, context.caller.accountId as string),
  });
  const { book, watchlists } = state;
  const configurations = new AccountConfigurations();

  return [
    route("GET", "/v2/account", (_c, account) => ok(accountBody(state, account))),
    route("GET", "/v2/account/configurations", (_c, account) => ok(configurations.get(account))),
    route("PATCH", "/v2/account/configurations", ({ req }, account) => ok(configurations.update(account, req.json))),

    route("GET", "/v2/orders", ({ query }, account) =>
      ok(
        book.list(account, {
          status: query.get("status"),
          limit: query.get("limit"),
          after: query.get("after"),
          until: query.get("until"),
          direction: query.get("direction"),
          symbols: query.get("symbols"),
          side: query.get("side"),
        }),
      ),
    ),
    route("POST", "/v2/orders", ({ req }, account) => {
      const order = book.create(account, req.json ?? parseFailure(req.body));
      state.onOrderCreated();
      return ok(order);
    }),
    route("DELETE", "/v2/orders", (_c, account) =>
      ok(
        book.cancelAll(account).map(({ id, status }) => ({ id, status })),
        207,
      ),
    ),
    route("GET", "/v2/orders/{order_id}", ({ params }, account) => ok(book.get(account, params.order_id as string))),
    route("PATCH", "/v2/orders/{order_id}", ({ params, req }, account) =>
      ok(book.replace(account, params.order_id as string, req.json ?? parseFailure(req.body))),
    ),
    route("DELETE", "/v2/orders/{order_id}", ({ params }, account) => {
      book.cancel(account, params.order_id as string);
      return noContent();
    }),
    route("GET", "/v2/orders:by_client_order_id", ({ query }, account) => {
      const clientOrderId = query.get("client_order_id");
      if (!clientOrderId) throw fail(422, ErrorCode.invalidRequest, "client_order_id is required");
      return ok(book.getByClientOrderId(account, clientOrderId));
    }),

    route("GET", "/v2/positions", (_c, account) => ok(book.positions(account))),
    route("DELETE", "/v2/positions", ({ query }, account) =>
      ok(book.closeAllPositions(account, query.get("cancel_orders") === "true"), 207),
    ),
    route("GET", "/v2/positions/{symbol_or_asset_id}", ({ params }, account) =>
      ok(book.position(account, params.symbol_or_asset_id as string)),
    ),
    route("DELETE", "/v2/positions/{symbol_or_asset_id}", ({ params, query }, account) =>
      ok(book.closePosition(account, params.symbol_or_asset_id as string, query.get("qty"), query.get("percentage"))),
    ),

    route("GET", "/v2/assets", ({ query }) => {
      const status = query.get("status");
      // Alpaca lists US equities unless another class is asked for.
      const assetClass = query.get("asset_class") ?? "us_equity";
      const exchange = query.get("exchange");
      return ok(
        ASSETS.filter(
          (a) =>
            (status === null || status === "active") &&
            a.class === assetClass &&
            (exchange === null || a.exchange === exchange),
        ).map(assetBody),
      );
    }),
    route("GET", "/v2/assets/{symbol_or_asset_id}", ({ params }) => {
      const asset = findAsset(params.symbol_or_asset_id as string);
      if (!asset) throw fail(404, ErrorCode.notFound, "asset not found");
      return ok(assetBody(asset));
    }),

    route("GET", "/v2/clock", () => {
      const mode = state.legacyClock();
      if (mode === "gone") throw fail(410, ErrorCode.gone, "/v2/clock has been retired; use /v3/clock");
      if (mode === "not-found") throw fail(404, ErrorCode.notFound, "endpoint not found");
      return ok(legacyClockBody(new Date()));
    }),
    route("GET", "/v3/clock", ({ query }) => ok(clockBody(timeParam(query), query.get("markets")))),
    route("GET", "/v2/calendar", ({ query }) =>
      ok(legacyCalendarBody(new Date(), query.get("start"), query.get("end"))),
    ),
    route("GET", "/v3/calendar/{market}", ({ params, query }) =>
      ok(
        calendarBody(new Date(), params.market as string, query.get("start"), query.get("end"), query.get("timezone")),
      ),
    ),

    route("GET", "/v2/watchlists", (_c, account) => ok(watchlists.list(account))),
    route("POST", "/v2/watchlists", ({ req }, account) => ok(watchlists.create(account, req.json))),
    // The same operations addressed by the watchlist's name (?name=) instead of its id.
    route("GET", "/v2/watchlists:by_name", ({ query }, account) =>
      ok(watchlists.get(account, watchlists.idByName(account, query.get("name")))),
    ),
    route("POST", "/v2/watchlists:by_name", ({ query, req }, account) =>
      ok(watchlists.addAsset(account, watchlists.idByName(account, query.get("name")), req.json)),
    ),
    route("PUT", "/v2/watchlists:by_name", ({ query, req }, account) =>
      ok(watchlists.update(account, watchlists.idByName(account, query.get("name")), req.json)),
    ),
    route("DELETE", "/v2/watchlists:by_name", ({ query }, account) => {
      watchlists.delete(account, watchlists.idByName(account, query.get("name")));
      return noContent();
    }),
    route("GET", "/v2/watchlists/{watchlist_id}", ({ params }, account) =>
      ok(watchlists.get(account, params.watchlist_id as string)),
    ),
    route("POST", "/v2/watchlists/{watchlist_id}", ({ params, req }, account) =>
      ok(watchlists.addAsset(account, params.watchlist_id as string, req.json)),
    ),
    route("PUT", "/v2/watchlists/{watchlist_id}", ({ params, req }, account) =>
      ok(watchlists.update(account, params.watchlist_id as string, req.json)),
    ),
    route("DELETE", "/v2/watchlists/{watchlist_id}", ({ params }, account) => {
      watchlists.delete(account, params.watchlist_id as string);
      return noContent();
    }),
    route("DELETE", "/v2/watchlists/{watchlist_id}/{symbol}", ({ params }, account) =>
      ok(watchlists.removeAsset(account, params.watchlist_id as string, params.symbol as string)),
    ),

    route("GET", "/v2/account/activities", ({ query }, account) => ok(pageActivities(book.activities(account), query))),
    route("GET", "/v2/account/activities/{activity_type}", ({ params, query }, account) =>
      ok(pageActivities(book.activities(account), query, params.activity_type)),
    ),
  ];
}

function accountBody(state: TradingState, accountId: string): Record<string, unknown> {
  const cash = state.book.cash(accountId);
  const equity = state.book.equity(accountId);
  const longValue = equity - cash;
  const money = (value: number) => String(Math.round(value * 100) / 100);
  return {
    id: accountId,
    account_number: state.accountNumbers.get(accountId),
    status: "ACTIVE",
    crypto_status: "ACTIVE",
    currency: "USD",
    cash: money(cash),
    buying_power: money(Math.max(cash, 0)),
    regt_buying_power: money(Math.max(cash, 0)),
    daytrading_buying_power: "0",
    non_marginable_buying_power: money(Math.max(cash, 0)),
    options_buying_power: money(Math.max(cash, 0)),
    options_approved_level: 2,
    options_trading_level: 2,
    portfolio_value: money(equity),
    equity: money(equity),
    last_equity: money(equity),
    long_market_value: money(Math.max(longValue, 0)),
    short_market_value: money(Math.min(longValue, 0)),
    initial_margin: "0",
    maintenance_margin: "0",
    last_maintenance_margin: "0",
    sma: "0",
    multiplier: "1",
    accrued_fees: "0",
    pending_transfer_in: "0",
    pending_reg_taf_fees: "0",
    daytrade_count: 0,
    pattern_day_trader: false,
    shorting_enabled: false,
    trading_blocked: false,
    transfers_blocked: false,
    account_blocked: false,
    trade_suspended_by_user: false,
    created_at: state.accountCreatedAt,
    balance_asof: new Date().toISOString().slice(0, 10),
  };
}

function timeParam(query: URLSearchParams): Date {
  const text = query.get("time");
  if (text === null) return new Date();
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw fail(400, ErrorCode.invalidRequest, `invalid time "${text}": expected RFC 3339`);
  return new Date(time);
}

/** The body was present but not JSON. */
function parseFailure(body: string): never {
  throw fail(400, ErrorCode.badBody, body ? "request body is not valid JSON" : "request body is required");
}
