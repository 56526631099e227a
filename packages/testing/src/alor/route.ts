/** What a simulator route is: method, ALOR path pattern, the operationId our spec gives it, and a handler. */
import type { SimRequest } from "../server.js";
import type { Accounts, AlorSimUser } from "./accounts.js";
import { enumValue, fail, type Reply } from "./http.js";
import type { OrderGroups } from "./order-groups.js";
import { EXCHANGES, type Exchange } from "./shapes.js";
import type { Trading } from "./trading.js";

export interface AlorWorld {
  accounts: Accounts;
  trading: Trading;
  groups: OrderGroups;
}

export interface Caller {
  user: AlorSimUser;
  /** Portfolios the JWT grants (its `portfolios` claim). */
  portfolios: string[];
}

export interface RouteContext {
  req: SimRequest;
  params: Record<string, string>;
  query: URLSearchParams;
  world: AlorWorld;
  /** The authenticated caller (every route but the token exchange needs a JWT). */
  caller: Caller;
  now: Date;
}

export interface Route<Id extends string = string> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  pattern: string;
  operationId: Id;
  /** An order command: X-REQID deduplication applies. */
  command?: boolean;
  handle(ctx: RouteContext): Reply;
}

export const route = <Id extends string>(definition: Route<Id>): Route<Id> => definition;

export const exchangeOf = (value: string, what = "path parameter 'exchange'"): Exchange =>
  enumValue(value.toUpperCase(), EXCHANGES, what);

/** The portfolio named in the request, if the caller's JWT grants it; 403 otherwise. */
export function ownPortfolio(ctx: RouteContext, portfolio: string): string {
  if (!ctx.caller.portfolios.includes(portfolio)) {
    throw fail(403, `portfolio ${portfolio} is not granted to ${ctx.caller.user.login}`);
  }
  return portfolio;
}
