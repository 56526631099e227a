/** Portfolio routes of the ALOR simulator (/md/v2/Clients/…): positions, money, risk, orders, trades. */
import { boolParam, fail, json } from "./http.js";
import { exchangeOf, ownPortfolio, type RouteContext, route } from "./route.js";

/** The exchange and an owned portfolio from the path. */
function target(ctx: RouteContext) {
  return {
    exchange: exchangeOf(ctx.params.exchange as string),
    portfolio: ownPortfolio(ctx, ctx.params.portfolio as string),
  };
}

const byExchange = <T extends { exchange: string }>(list: T[], exchange: string) =>
  list.filter((item) => item.exchange === exchange);

export const portfolioRoutes = [
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{login}/positions",
    operationId: "getLoginPositions",
    handle: (ctx) => {
      const login = ctx.params.login as string;
      if (login.toUpperCase() !== ctx.caller.user.login.toUpperCase()) {
        throw fail(403, `login ${login} is not the JWT's login`);
      }
      const withoutCurrency = boolParam(ctx.query, "withoutCurrency") ?? false;
      return json(ctx.caller.portfolios.flatMap((p) => ctx.world.accounts.positions(p, withoutCurrency)));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/positions",
    operationId: "getPositions",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      const withoutCurrency = boolParam(ctx.query, "withoutCurrency") ?? false;
      const positions = ctx.world.accounts.positions(portfolio, withoutCurrency);
      return json(positions.filter((p) => p.isCurrency || p.exchange === exchange));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/positions/{symbol}",
    operationId: "getPosition",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      const symbol = (ctx.params.symbol as string).toUpperCase();
      const position = ctx.world.accounts
        .positions(portfolio)
        .find((p) => p.symbol === symbol && (p.isCurrency || p.exchange === exchange));
      if (!position) throw fail(404, `no position in ${symbol} in ${portfolio}`);
      return json(position);
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/summary",
    operationId: "getPortfolioSummary",
    handle: (ctx) => json(ctx.world.accounts.summary(target(ctx).portfolio)),
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/risk",
    operationId: "getPortfolioRisk",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      return json(ctx.world.accounts.risk(portfolio, exchange, ctx.now));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/orders",
    operationId: "getOrders",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      return json(byExchange(ctx.world.trading.ordersOf(portfolio), exchange));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/orders/{orderId}",
    operationId: "getOrder",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      const order = ctx.world.trading.order(ctx.params.orderId as string);
      if (!order || order.portfolio !== portfolio || order.exchange !== exchange) {
        throw fail(404, `order ${ctx.params.orderId} not found in ${exchange}/${portfolio}`);
      }
      return json(order);
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/trades",
    operationId: "getTrades",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      boolParam(ctx.query, "withRepo");
      return json(byExchange(ctx.world.trading.tradesOf(portfolio), exchange));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/stoporders",
    operationId: "getStopOrders",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      return json(byExchange(ctx.world.trading.stopOrdersOf(portfolio), exchange));
    },
  }),
  route({
    method: "GET",
    pattern: "/md/v2/Clients/{exchange}/{portfolio}/stoporders/{orderId}",
    operationId: "getStopOrder",
    handle: (ctx) => {
      const { exchange, portfolio } = target(ctx);
      const order = ctx.world.trading.stopOrder(ctx.params.orderId as string);
      if (!order || order.portfolio !== portfolio || order.exchange !== exchange) {
        throw fail(404, `stop order ${ctx.params.orderId} not found in ${exchange}/${portfolio}`);
      }
      return json(order);
    },
  }),
];
