/**
 * Order command routes of the ALOR simulator (/commandapi/warptrans/TRADE/v2/client/orders/…).
 * Bodies are checked field by field; errors name the field. The simulator core applies X-REQID.
 */
import { bodyObject, boolParam, enumValue, fail, json, requiredParam, SimHttpError, text } from "./http.js";
import { exchangeOf, ownPortfolio, type RouteContext, route } from "./route.js";
import { SIDES, STOP_CONDITIONS, TIME_IN_FORCE } from "./shapes.js";
import { CancelRejected, type OrderTicket, type StopTicket } from "./trading.js";

const BASE = "/commandapi/warptrans/TRADE/v2/client/orders";

type Body = Record<string, unknown>;

function field(body: Body, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Body | undefined)?.[key], body);
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw fail(400, `body field '${path}' is required`);
  return value;
}

function optionalString(body: Body, path: string, maxLength = Number.POSITIVE_INFINITY): string | undefined {
  const value = field(body, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw fail(400, `body field '${path}' must be a string`);
  if (value.length > maxLength) throw fail(400, `body field '${path}' is longer than ${maxLength} characters`);
  return value;
}

function optionalNumber(
  body: Body,
  path: string,
  { integer = false, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = {},
) {
  const value = field(body, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw fail(400, `body field '${path}' must be ${integer ? "an integer" : "a number"}`);
  }
  if (value < min || value > max) throw fail(400, `body field '${path}' must be within [${min}, ${max}]`);
  return value;
}

function optionalBoolean(body: Body, path: string): boolean | undefined {
  const value = field(body, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw fail(400, `body field '${path}' must be true or false`);
  return value;
}

function optionalEnum<T extends string>(body: Body, path: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, path);
  return value === undefined ? undefined : enumValue(value, allowed, `body field '${path}'`);
}

/** The fields every order command shares: side, quantity, instrument, user, comment, timeInForce. */
function ticket(ctx: RouteContext, body: Body): OrderTicket {
  const exchange = required(optionalString(body, "instrument.exchange"), "instrument.exchange");
  return {
    side: required(optionalEnum(body, "side", SIDES), "side"),
    quantity: required(optionalNumber(body, "quantity", { integer: true, min: 1 }), "quantity"),
    symbol: required(optionalString(body, "instrument.symbol"), "instrument.symbol"),
    exchange: exchangeOf(exchange, "body field 'instrument.exchange'"),
    board: optionalString(body, "instrument.instrumentGroup"),
    portfolio: ownPortfolio(ctx, required(optionalString(body, "user.portfolio"), "user.portfolio")),
    comment: optionalString(body, "comment", 100),
    timeInForce: optionalEnum(body, "timeInForce", TIME_IN_FORCE),
  };
}

function limitTicket(ctx: RouteContext, body: Body) {
  optionalBoolean(body, "allowMargin");
  optionalNumber(body, "icebergVariance", { integer: true, min: 0 });
  return {
    ...ticket(ctx, body),
    price: required(optionalNumber(body, "price", { min: Number.MIN_VALUE }), "price"),
    icebergFixed: optionalNumber(body, "icebergFixed", { integer: true, min: 1 }),
  };
}

function stopTicket(ctx: RouteContext, body: Body, withPrice: boolean): StopTicket {
  optionalBoolean(body, "allowMargin");
  return {
    ...ticket(ctx, body),
    condition: required(optionalEnum(body, "condition", STOP_CONDITIONS), "condition"),
    triggerPrice: required(optionalNumber(body, "triggerPrice", { min: Number.MIN_VALUE }), "triggerPrice"),
    price: withPrice ? required(optionalNumber(body, "price", { min: Number.MIN_VALUE }), "price") : undefined,
    stopEndUnixTime: optionalNumber(body, "stopEndUnixTime", { integer: true, min: 0 }),
    protectingSeconds: optionalNumber(body, "protectingSeconds", { integer: true, min: 1, max: 300 }),
    activate: optionalBoolean(body, "activate"),
  };
}

const accepted = (orderNumber: string) => json({ message: "success", orderNumber });

function cancelling(action: () => void) {
  try {
    action();
  } catch (error) {
    if (error instanceof CancelRejected)
      throw new SimHttpError(json({ code: error.code, message: error.message }, 400));
    throw error;
  }
}

export const commandRoutes = [
  route({
    method: "POST",
    pattern: `${BASE}/actions/market`,
    operationId: "placeMarketOrder",
    command: true,
    handle: (ctx) => {
      const body = bodyObject(ctx.req);
      optionalBoolean(body, "allowMargin");
      return accepted(ctx.world.trading.placeMarket(ticket(ctx, body)).id);
    },
  }),
  route({
    method: "POST",
    pattern: `${BASE}/actions/limit`,
    operationId: "placeLimitOrder",
    command: true,
    handle: (ctx) => accepted(ctx.world.trading.placeLimit(limitTicket(ctx, bodyObject(ctx.req))).id),
  }),
  route({
    method: "PUT",
    pattern: `${BASE}/actions/limit/{orderId}`,
    operationId: "modifyLimitOrder",
    command: true,
    handle: (ctx) =>
      accepted(ctx.world.trading.modifyLimit(ctx.params.orderId as string, limitTicket(ctx, bodyObject(ctx.req))).id),
  }),
  route({
    method: "POST",
    pattern: `${BASE}/actions/stop`,
    operationId: "placeStopOrder",
    command: true,
    handle: (ctx) => accepted(ctx.world.trading.placeStop(stopTicket(ctx, bodyObject(ctx.req), false)).id),
  }),
  route({
    method: "POST",
    pattern: `${BASE}/actions/stopLimit`,
    operationId: "placeStopLimitOrder",
    command: true,
    handle: (ctx) => accepted(ctx.world.trading.placeStop(stopTicket(ctx, bodyObject(ctx.req), true)).id),
  }),
  route({
    method: "DELETE",
    pattern: `${BASE}/all`,
    operationId: "cancelAllOrders",
    command: true,
    handle: (ctx) => {
      const exchange = exchangeOf(requiredParam(ctx.query, "exchange"), "query parameter 'exchange'");
      const portfolio = ownPortfolio(ctx, requiredParam(ctx.query, "portfolio"));
      const stop = boolParam(ctx.query, "stop");
      cancelling(() => ctx.world.trading.cancelAll(portfolio, exchange, stop));
      return json("success");
    },
  }),
  route({
    method: "DELETE",
    pattern: `${BASE}/{orderId}`,
    operationId: "cancelOrder",
    command: true,
    handle: (ctx) => {
      exchangeOf(requiredParam(ctx.query, "exchange"), "query parameter 'exchange'");
      const portfolio = ownPortfolio(ctx, requiredParam(ctx.query, "portfolio"));
      requiredParam(ctx.query, "stop");
      const stop = boolParam(ctx.query, "stop") as boolean;
      cancelling(() => ctx.world.trading.cancel(ctx.params.orderId as string, portfolio, stop));
      return text("success");
    },
  }),
];
