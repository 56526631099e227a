/** Reference-data and market-data routes of the ALOR simulator. */
import { findSecurity, searchSecurities } from "./catalogue.js";
import { boolParam, enumValue, fail, intParam, json, numberParam, requiredParam } from "./http.js";
import { candles, orderBook, pastTrades, quote, sessionTrades, timeframeSeconds } from "./market-data.js";
import { exchangeOf, type RouteContext, route } from "./route.js";
import { type Security, SIDES } from "./shapes.js";

const MARKETS = ["FORTS", "FOND", "CURR", "SPBX"] as const;
const SECTORS = ["FORTS", "FOND", "CURR"] as const;

function securityOf(ctx: RouteContext): Security {
  const exchange = exchangeOf(ctx.params.exchange as string);
  const symbol = ctx.params.symbol as string;
  const board = ctx.query.get("instrumentGroup");
  const security = findSecurity(exchange, symbol, board);
  if (!security) throw fail(404, `instrument ${exchange}:${symbol}${board ? ` on ${board}` : ""} not found`);
  return security;
}

const seconds = (now: Date) => Math.floor(now.getTime() / 1000);

export const marketRoutes = [
  route({
    method: "GET",
    pattern: "/md/v2/Securities",
    operationId: "searchSecurities",
    handle: ({ query }) => {
      const sector = query.get("sector");
      const exchange = query.get("exchange");
      return json(
        searchSecurities({
          query: query.get("query") ?? undefined,
          limit: intParam(query, "limit", { min: 1 }),
          offset: intParam(query, "offset", { min: 0 }),
          sector: sector ? enumValue(sector, SECTORS, "query parameter 'sector'") : undefined,
          cficode: query.get("cficode") ?? undefined,
          exchange: exchange ? exchangeOf(exchange, "query parameter 'exchange'") : undefined,
          instrumentGroup: query.get("instrumentGroup") ?? undefined,
          includeNonBaseBoards: boolParam(query, "includeNonBaseBoards"),
        }),
      );
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Securities/{exchange}/{symbol}",
    operationId: "getSecurity",
    handle: (ctx) => json(securityOf(ctx)),
  }),
  route({
    method: "GET",
    pattern: "/md/status/{exchange}/{market}",
    operationId: "getTradingStatus",
    handle: ({ params }) => {
      exchangeOf(params.exchange as string);
      const market = enumValue((params.market as string).toUpperCase(), MARKETS, "path parameter 'market'");
      return json({ code: market, status: "open" });
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/time",
    operationId: "getServerTime",
    handle: ({ now }) => json(seconds(now)),
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Securities/{symbols}/quotes",
    operationId: "getQuotes",
    handle: ({ params, now }) => {
      const pairs = (params.symbols as string).split(",").filter(Boolean);
      if (!pairs.length) throw fail(400, "path parameter 'symbols' must list EXCHANGE:SYMBOL pairs");
      const found = pairs.map((pair) => {
        const [exchange, symbol] = pair.includes(":") ? pair.split(":") : ["MOEX", pair];
        return findSecurity(exchangeOf(exchange as string, `exchange of '${pair}'`), symbol as string);
      });
      return json(found.filter((s): s is Security => s !== undefined).map((s) => quote(s, now.getTime())));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/orderbooks/{exchange}/{symbol}",
    operationId: "getOrderBook",
    handle: (ctx) =>
      json(orderBook(securityOf(ctx), intParam(ctx.query, "depth", { min: 1, max: 50 }) ?? 20, ctx.now.getTime())),
  }),
  route({
    method: "GET",
    pattern: "/md/v2/history",
    operationId: "getCandles",
    handle: ({ query, now }) => {
      const exchange = exchangeOf(requiredParam(query, "exchange"), "query parameter 'exchange'");
      const symbol = requiredParam(query, "symbol");
      const board = query.get("instrumentGroup");
      const security = findSecurity(exchange, symbol, board);
      if (!security) throw fail(404, `instrument ${exchange}:${symbol} not found`);
      requiredParam(query, "from");
      requiredParam(query, "to");
      return json(
        candles(security, {
          tf: timeframeSeconds(requiredParam(query, "tf")),
          from: intParam(query, "from") as number,
          to: intParam(query, "to") as number,
          countBack: intParam(query, "countBack", { min: 1 }),
          nowSeconds: seconds(now),
        }),
      );
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Securities/{exchange}/{symbol}/alltrades",
    operationId: "getAllTrades",
    handle: (ctx) => {
      const { query } = ctx;
      const side = query.get("side");
      return json(
        sessionTrades(
          securityOf(ctx),
          {
            from: intParam(query, "from"),
            to: intParam(query, "to"),
            fromId: intParam(query, "fromId"),
            toId: intParam(query, "toId"),
            qtyFrom: intParam(query, "qtyFrom"),
            qtyTo: intParam(query, "qtyTo"),
            priceFrom: numberParam(query, "priceFrom"),
            priceTo: numberParam(query, "priceTo"),
            side: side ? enumValue(side, SIDES, "query parameter 'side'") : undefined,
            offset: intParam(query, "offset", { min: 0 }),
            take: intParam(query, "take", { min: 0 }),
            descending: boolParam(query, "descending"),
          },
          seconds(ctx.now),
        ),
      );
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Securities/{exchange}/{symbol}/alltrades/history",
    operationId: "getAllTradesHistory",
    handle: (ctx) => {
      const { query } = ctx;
      requiredParam(query, "limit");
      return json(
        pastTrades(
          securityOf(ctx),
          {
            from: intParam(query, "from"),
            to: intParam(query, "to"),
            limit: intParam(query, "limit", { min: 1, max: 50_000 }) as number,
            offset: intParam(query, "offset", { min: 0 }),
          },
          seconds(ctx.now),
        ),
      );
    },
  }),
];
