/**
 * A local Binance Spot: one node:http server on 127.0.0.1 answering the operations of specs/binance/spot.yaml.
 * It checks signed calls (key header, HMAC-SHA256 of query and body, timestamp within the receive window on
 * its own clock, which may be set off from the local one), counts request weight per IP in sliding windows
 * with X-MBX-USED-WEIGHT-* headers, answers 429 past the budget and 418 (a ban of every call) to a client
 * that ignores a 429, refuses a second open order with the same client order id, and lets tests make the
 * next calls of a route fail. Everything it decided is recorded for assertions.
 */
import type { ServerResponse } from "node:http";
import { type Arrival, type SimRequest, sendJson, startServer } from "../server.js";
import { findSymbol, klines, orderBook, recentTrades, SYMBOLS } from "./market.js";
import { checkSignedCall } from "./signature-check.js";
import { WeightLimiter, type WeightWindow } from "./weight-limiter.js";

export const BINANCE_SIMULATOR_DEFAULTS = {
  apiKey: "simulatorApiKey0000000000000000000000000000000000000000000000001",
  secretKey: "simulatorSecretKey000000000000000000000000000000000000000000001",
} as const;

/** Request weight per `METHOD path`, as Binance documents them for the parameters the spec allows. */
const WEIGHTS: Record<string, number> = {
  "GET /api/v3/ping": 1,
  "GET /api/v3/time": 1,
  "GET /api/v3/exchangeInfo": 20,
  "GET /api/v3/depth": 5,
  "GET /api/v3/trades": 25,
  "GET /api/v3/klines": 2,
  "GET /api/v3/ticker/price": 4,
  "GET /api/v3/account": 20,
  "GET /api/v3/myTrades": 20,
  "GET /api/v3/openOrders": 6,
  "GET /api/v3/order": 4,
  "POST /api/v3/order": 1,
  "DELETE /api/v3/order": 1,
  "POST /api/v3/order/test": 1,
};
const SIGNED = new Set([
  "GET /api/v3/account",
  "GET /api/v3/myTrades",
  "GET /api/v3/openOrders",
  "GET /api/v3/order",
  "POST /api/v3/order",
  "DELETE /api/v3/order",
  "POST /api/v3/order/test",
]);

export interface BinanceSimulatorOptions {
  /** Key pairs accepted on signed calls. Default: BINANCE_SIMULATOR_DEFAULTS. */
  keys?: { apiKey: string; secretKey: string }[];
  /** The server's clock minus the local one, in ms (a server ahead of the client is positive). Default 0. */
  clockOffsetMs?: number;
  /** Weight budgets per IP. Default Binance's 6000 per minute (label `1M`). */
  weightWindows?: WeightWindow[];
  /** Length of the ban after an ignored 429. Default 120 000 ms (Binance starts at 2 minutes). */
  banMs?: number;
}

export interface SignedCallRecord {
  route: string;
  ok: boolean;
  code?: number;
  timestamp?: number;
  /** The local arrival time (performance.now()). */
  at: number;
}

export interface SimOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: "NEW" | "FILLED" | "CANCELED";
  timeInForce: string;
  type: string;
  side: string;
  time: number;
  updateTime: number;
  isWorking: boolean;
}

export interface BinanceSimulator {
  url: string;
  apiKey: string;
  secretKey: string;
  arrivals: Arrival[];
  /** Every signed call and how its signature check ended. */
  signedCalls: SignedCallRecord[];
  /** Calls the weight limiter accepted: local arrival time and weight. */
  weighed: readonly { at: number; weight: number }[];
  /** Status and route of every 429 and 418 sent. */
  refusals: { status: 429 | 418; route: string; at: number }[];
  orders: SimOrder[];
  /** The next `times` calls of `route` (e.g. `POST /api/v3/order/test`) answer `status` after their checks. */
  failNext(route: string, status: number, times?: number): void;
  /** Bans the IP for `ms` now, as if 429s had been ignored. */
  ban(ms: number): void;
  close(): Promise<void>;
}

export async function startBinanceSimulator(options: BinanceSimulatorOptions = {}): Promise<BinanceSimulator> {
  const keys = options.keys ?? [BINANCE_SIMULATOR_DEFAULTS];
  const secrets = new Map(keys.map((key) => [key.apiKey, key.secretKey]));
  const offset = options.clockOffsetMs ?? 0;
  const serverNow = () => Date.now() + offset;
  const limiter = new WeightLimiter(
    options.weightWindows ?? [{ intervalMs: 60_000, limit: 6000, label: "1M" }],
    options.banMs ?? 120_000,
  );
  const signedCalls: SignedCallRecord[] = [];
  const refusals: BinanceSimulator["refusals"] = [];
  const failures = new Map<string, { status: number; left: number }>();
  const orders: SimOrder[] = [];
  const fills: Record<string, unknown>[] = [];
  let nextOrderId = 1;

  const handle = (req: SimRequest, res: ServerResponse): void => {
    const route = `${req.method} ${req.path}`;
    const weight = WEIGHTS[route];
    if (weight === undefined) {
      sendJson(res, 404, { code: -1000, msg: `simulator: no route ${route}` });
      return;
    }
    const decision = limiter.take(req.at, weight);
    if (decision.kind !== "allowed") {
      const status = decision.kind === "banned" ? 418 : 429;
      refusals.push({ status, route, at: req.at });
      sendJson(
        res,
        status,
        { code: -1003, msg: status === 418 ? "IP banned for ignoring 429s." : "Too much request weight used." },
        { ...decision.headers, "Retry-After": String(decision.retryAfterS) },
      );
      return;
    }
    const reply = (status: number, body: unknown) => sendJson(res, status, body, decision.headers);
    const rawQuery = req.url.search.slice(1);
    const form = req.headers["content-type"]?.includes("application/x-www-form-urlencoded") ? req.body : "";
    const params = new URLSearchParams(form ? `${rawQuery}&${form}` : rawQuery);
    if (SIGNED.has(route)) {
      const apiKey = req.headers["x-mbx-apikey"];
      const check = checkSignedCall(
        rawQuery,
        req.body,
        typeof apiKey === "string" ? apiKey : undefined,
        secrets,
        // The exchange stamps a request when it arrives; this process may take a while to get to it.
        serverNow() - (performance.now() - req.at),
      );
      signedCalls.push({
        route,
        ok: check.ok,
        at: req.at,
        ...(check.code === undefined ? {} : { code: check.code }),
        ...(check.timestamp === undefined ? {} : { timestamp: check.timestamp }),
      });
      if (!check.ok) {
        reply(check.status ?? 400, { code: check.code, msg: check.msg });
        return;
      }
    }
    const failure = failures.get(route);
    if (failure && failure.left > 0) {
      failure.left--;
      reply(failure.status, { code: -1001, msg: "Internal error; unable to process your request. Please try again." });
      return;
    }
    routes(route, params, reply);
  };

  const routes = (route: string, params: URLSearchParams, reply: (status: number, body: unknown) => void) => {
    const now = serverNow();
    const symbolParam = params.get("symbol");
    const symbol = findSymbol(symbolParam);
    const needSymbol = () => {
      if (symbol) return true;
      reply(400, { code: -1121, msg: "Invalid symbol." });
      return false;
    };
    switch (route) {
      case "GET /api/v3/ping":
        return reply(200, {});
      case "GET /api/v3/time":
        return reply(200, { serverTime: now });
      case "GET /api/v3/exchangeInfo":
        return reply(200, {
          timezone: "UTC",
          serverTime: now,
          rateLimits: [
            { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
            { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 50 },
            { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 160000 },
            { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
          ],
          symbols: SYMBOLS.filter((s) => !symbolParam || s.symbol === symbolParam).map((s) => ({
            symbol: s.symbol,
            status: "TRADING",
            baseAsset: s.baseAsset,
            baseAssetPrecision: 8,
            quoteAsset: s.quoteAsset,
            quoteAssetPrecision: 8,
            orderTypes: ["LIMIT", "MARKET", "LIMIT_MAKER"],
            isSpotTradingAllowed: true,
            filters: [{ filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "1000000", tickSize: "0.01" }],
          })),
        });
      case "GET /api/v3/depth":
        if (!needSymbol()) return;
        return reply(200, orderBook(symbol!, Math.min(Number(params.get("limit") ?? 100), 100)));
      case "GET /api/v3/trades":
        if (!needSymbol()) return;
        return reply(200, recentTrades(symbol!, Math.min(Number(params.get("limit") ?? 500), 1000), now));
      case "GET /api/v3/klines": {
        if (!needSymbol()) return;
        const bars = klines(
          symbol!,
          params.get("interval") ?? "",
          Math.min(Number(params.get("limit") ?? 500), 1000),
          now,
        );
        if (!bars) return reply(400, { code: -1120, msg: "Invalid interval." });
        return reply(200, bars);
      }
      case "GET /api/v3/ticker/price":
        if (symbolParam === null)
          return reply(
            200,
            SYMBOLS.map((s) => ({ symbol: s.symbol, price: s.price.toFixed(8) })),
          );
        if (!needSymbol()) return;
        return reply(200, { symbol: symbol!.symbol, price: symbol!.price.toFixed(8) });
      case "GET /api/v3/account":
        return reply(200, {
          makerCommission: 10,
          takerCommission: 10,
          canTrade: true,
          canWithdraw: true,
          canDeposit: true,
          updateTime: now,
          accountType: "SPOT",
          balances: [
            { asset: "BTC", free: "1.00000000", locked: "0.00000000" },
            { asset: "USDT", free: "100000.00000000", locked: "0.00000000" },
            ...(params.get("omitZeroBalances") === "true"
              ? []
              : [{ asset: "ETH", free: "0.00000000", locked: "0.00000000" }]),
          ],
          permissions: ["SPOT"],
          uid: 354937868,
        });
      case "GET /api/v3/myTrades":
        if (!needSymbol()) return;
        return reply(
          200,
          fills.filter((fill) => fill.symbol === symbol!.symbol),
        );
      case "GET /api/v3/openOrders":
        if (!needSymbol()) return;
        return reply(
          200,
          orders.filter((o) => o.symbol === symbol!.symbol && o.status === "NEW"),
        );
      case "GET /api/v3/order":
      case "DELETE /api/v3/order": {
        if (!needSymbol()) return;
        const id = params.get("orderId");
        const clientId = params.get("origClientOrderId");
        const order = orders.find(
          (o) => o.symbol === symbol!.symbol && (id ? o.orderId === Number(id) : o.clientOrderId === clientId),
        );
        if (!order || (!id && !clientId)) return reply(400, { code: -2013, msg: "Order does not exist." });
        if (route === "GET /api/v3/order") return reply(200, order);
        if (order.status !== "NEW") return reply(400, { code: -2011, msg: "Unknown order sent." });
        order.status = "CANCELED";
        order.isWorking = false;
        order.updateTime = now;
        return reply(200, {
          ...order,
          origClientOrderId: order.clientOrderId,
          clientOrderId: params.get("newClientOrderId") ?? order.clientOrderId,
        });
      }
      case "POST /api/v3/order":
      case "POST /api/v3/order/test": {
        if (!needSymbol()) return;
        const side = params.get("side");
        const type = params.get("type");
        const quantity = params.get("quantity");
        if (side !== "BUY" && side !== "SELL")
          return reply(400, { code: -1102, msg: "Mandatory parameter 'side' was not sent." });
        if (type !== "LIMIT" && type !== "MARKET") return reply(400, { code: -1116, msg: "Invalid orderType." });
        if (!quantity) return reply(400, { code: -1102, msg: "Mandatory parameter 'quantity' was not sent." });
        if (type === "LIMIT" && (!params.get("price") || !params.get("timeInForce"))) {
          return reply(400, {
            code: -1102,
            msg: "Mandatory parameters 'price' and 'timeInForce' are needed by LIMIT orders.",
          });
        }
        if (route === "POST /api/v3/order/test") return reply(200, {});
        const clientOrderId = params.get("newClientOrderId") ?? `sim${nextOrderId}`;
        if (orders.some((o) => o.clientOrderId === clientOrderId && o.status === "NEW")) {
          return reply(400, { code: -2010, msg: "Duplicate order sent." });
        }
        const price = type === "MARKET" ? symbol!.price.toFixed(8) : (params.get("price") as string);
        const filled = type === "MARKET";
        const order: SimOrder = {
          symbol: symbol!.symbol,
          orderId: nextOrderId++,
          clientOrderId,
          price: filled ? "0.00000000" : price,
          origQty: quantity,
          executedQty: filled ? quantity : "0.00000000",
          cummulativeQuoteQty: filled ? (Number(quantity) * symbol!.price).toFixed(8) : "0.00000000",
          status: filled ? "FILLED" : "NEW",
          timeInForce: params.get("timeInForce") ?? "GTC",
          type,
          side,
          time: now,
          updateTime: now,
          isWorking: !filled,
        };
        orders.push(order);
        if (filled) {
          fills.push({
            symbol: order.symbol,
            id: fills.length + 1,
            orderId: order.orderId,
            price,
            qty: quantity,
            quoteQty: order.cummulativeQuoteQty,
            commission: "0.00000000",
            commissionAsset: symbol!.quoteAsset,
            time: now,
            isBuyer: side === "BUY",
            isMaker: false,
            isBestMatch: true,
          });
        }
        return reply(200, { ...order, transactTime: now, orderListId: -1 });
      }
    }
  };

  const server = await startServer(handle);
  return {
    url: server.url,
    apiKey: keys[0]!.apiKey,
    secretKey: keys[0]!.secretKey,
    arrivals: server.arrivals,
    signedCalls,
    weighed: limiter.accepted,
    refusals,
    orders,
    failNext(route, status, times = 1) {
      failures.set(route, { status, left: times });
    },
    ban(ms) {
      limiter.ban(performance.now(), ms);
    },
    close: () => server.close(),
  };
}
