/**
 * The command socket's order commands, executed by the REST simulator's own route handlers against the
 * same trading book, so REST sees what the socket did and both validate alike. ALOR's socket also
 * changes stop orders, which the REST simulator does not: a change places the new stop order, then
 * cancels the old one (a new number, as for limit orders).
 */
import type { SimRequest } from "../../server.js";
import { commandRoutes } from "../command-routes.js";
import { fail, type Reply } from "../http.js";
import { type AlorWorld, type Caller, ownPortfolio, type RouteContext } from "../route.js";
import type { WsAnswer } from "./connection.js";
import { exchangeField, type Message, messageOf, requiredId, requiredString } from "./message-fields.js";

type OperationId = (typeof commandRoutes)[number]["operationId"];

export interface CommandRequest {
  message: Message;
  caller: Caller;
  world: AlorWorld;
  /** The socket's upgrade request, standing in for the HTTP request the route handlers read. */
  raw: SimRequest["raw"];
}

/** Runs a command; its refusals throw SimHttpError, which the socket answers with. */
type Command = (command: CommandRequest) => WsAnswer;

function routeContext(
  operationId: OperationId,
  command: CommandRequest,
  params: Record<string, string> = {},
  query = new URLSearchParams(),
) {
  const route = commandRoutes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`no REST route ${operationId}`);
  const url = new URL(route.pattern, "http://127.0.0.1");
  const req: SimRequest = {
    at: performance.now(),
    method: route.method,
    url,
    path: url.pathname,
    headers: {},
    body: JSON.stringify(command.message),
    json: command.message,
    raw: command.raw,
  };
  const ctx: RouteContext = { req, params, query, world: command.world, caller: command.caller, now: new Date() };
  return { ctx, run: () => route.handle(ctx) };
}

function answered(reply: Reply, success: (orderNumber: string) => string, orderNumber?: string): WsAnswer {
  if (reply.status >= 300) return { httpCode: reply.status, message: messageOf(reply.body) };
  const number = (reply.body as { orderNumber?: string } | undefined)?.orderNumber ?? orderNumber ?? "";
  return { httpCode: reply.status, message: success(number), orderNumber: number };
}

const created = (n: string) => `order ${n} created`;
const changed = (n: string) => `order changed; its new number is ${n}`;
const cancelled = (n: string) => `order ${n} cancelled`;

const create =
  (operationId: OperationId): Command =>
  (command) =>
    answered(routeContext(operationId, command).run(), created);

const updateLimit: Command = (command) => {
  const orderId = requiredId(command.message, "orderId");
  return answered(routeContext("modifyLimitOrder", command, { orderId }).run(), changed);
};

/** Market orders fill when placed, so there is never one left to change. */
const updateMarket: Command = (command) => {
  const orderId = requiredId(command.message, "orderId");
  const { ctx } = routeContext("placeMarketOrder", command);
  const portfolio = ownPortfolio(ctx, requiredString(command.message, "user.portfolio"));
  const order = command.world.trading.order(orderId);
  if (!order || order.portfolio !== portfolio) throw fail(404, `order ${orderId} not found in ${portfolio}`);
  if (order.type !== "market") throw fail(400, `order ${orderId} is a ${order.type} order, not a market order`);
  throw fail(400, `market order ${orderId} is ${order.status} and can no longer change`);
};

const updateStop =
  (operationId: "placeStopOrder" | "placeStopLimitOrder"): Command =>
  (command) => {
    const orderId = requiredId(command.message, "orderId");
    const { ctx, run } = routeContext(operationId, command);
    const portfolio = ownPortfolio(ctx, requiredString(command.message, "user.portfolio"));
    const type = operationId === "placeStopOrder" ? "stop" : "stoplimit";
    const old = command.world.trading.stopOrder(orderId);
    if (!old || old.portfolio !== portfolio) throw fail(404, `stop order ${orderId} not found in ${portfolio}`);
    if (old.type !== type) throw fail(400, `order ${orderId} is a ${old.type} order, not a ${type} order`);
    if (old.status !== "working") throw fail(400, `order ${orderId} is ${old.status} and can no longer change`);
    const reply = run();
    if (reply.status < 300) command.world.trading.cancel(orderId, portfolio, true);
    return answered(reply, changed);
  };

const remove =
  (stop: boolean): Command =>
  (command) => {
    const orderId = requiredId(command.message, "orderId");
    const query = new URLSearchParams({
      exchange: exchangeField(command.message),
      portfolio: requiredString(command.message, "user.portfolio"),
      stop: String(stop),
    });
    return answered(routeContext("cancelOrder", command, { orderId }, query).run(), cancelled, orderId);
  };

export const ORDER_COMMANDS: Readonly<Record<string, Command>> = {
  "create:market": create("placeMarketOrder"),
  "create:limit": create("placeLimitOrder"),
  "create:stop": create("placeStopOrder"),
  "create:stopLimit": create("placeStopLimitOrder"),
  "update:market": updateMarket,
  "update:limit": updateLimit,
  "update:stop": updateStop("placeStopOrder"),
  "update:stopLimit": updateStop("placeStopLimitOrder"),
  "delete:market": remove(false),
  "delete:limit": remove(false),
  "delete:stop": remove(true),
  "delete:stopLimit": remove(true),
};
