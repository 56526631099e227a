/**
 * Validation against ALOR's OFFICIAL spec: Prism mocks `WarpOpenAPIv2.yml` and checks every request
 * the generated client sends, one per covered operation, token exchange included.
 * ALOR's deprecated /warptrans/{tradeServerCode} order routes are covered like the others.
 *
 * Auth: both servers (api and oauth) point at Prism. Prism's POST /refresh answers ALOR's example
 * `{"AccessToken": "eyJhbGciOiJ..."}`, a truncated JWT without `exp`; the refresh-exchange provider
 * takes it as an opaque token with the manifest's default lifetime (30 min) and sends it as
 * `Authorization: Bearer …`, which is all Prism checks (it verifies no signature). So the token request
 * itself is validated too, and nothing is faked.
 *
 * Only REQUEST violations are ours. Prism also flags responses where ALOR's examples disagree with
 * ALOR's schemas (e.g. /refresh declares a string body but its example is an object); those are
 * upstream documentation defects, counted and printed, not asserted.
 *
 * Known upstream defect: ALOR's spec requires `Orders` and `ExecutionPolicy` on order-group creation
 * while it names the properties `orders` and `executionPolicy` (the real API and this client use the
 * lower-case ones); editing a group (PUT) repeats the defect for `ExecutionPolicy`. Prism flags exactly
 * that for createOrderGroup and editOrderGroup, and this test asserts exactly that, so any other violation fails it.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startPrism } from "../../testing/src/prism.js";
import { type AlorClient, createAlorClient } from "../src/index.js";

const specs = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/specs");
const spec = join(specs, "alor/WarpOpenAPIv2.yml");
if (!existsSync(spec)) console.warn(`ALOR's official spec is not at ${spec}: skipping the Prism validation`);

interface Violation {
  location?: string[];
  severity?: string;
  code?: string;
  message?: string;
}

const PORTFOLIO = "D39004";
const SBER = { symbol: "SBER", exchange: "MOEX", instrumentGroup: "TQBR" } as const;
const USER = { portfolio: PORTFOLIO };
const ORDER_ID = 3625092321506;
const GROUP_ID = "eafb19d6-c578-4afe-aa95-d528c4531031";
const reqid = () => ({ "X-REQID": crypto.randomUUID() });
const text = { parseAs: "text" } as const;

/** Every operation of specs/alor/warp.yaml, sent once with realistic arguments. */
function everyOperation(client: AlorClient): Record<string, () => Promise<{ response: Response }>> {
  const portfolioPath = { exchange: "MOEX", portfolio: PORTFOLIO } as const;
  const now = Math.floor(Date.now() / 1000);
  return {
    searchSecurities: () =>
      client.GET("/md/v2/Securities", {
        params: {
          query: {
            query: "SBER",
            limit: 5,
            offset: 0,
            sector: "FOND",
            exchange: "MOEX",
            instrumentGroup: "TQBR",
            cficode: "ESXXXX",
            includeNonBaseBoards: false,
          },
        },
        ...text,
      }),
    getSecurity: () =>
      client.GET("/md/v2/Securities/{exchange}/{symbol}", {
        params: { path: { exchange: "MOEX", symbol: "SBER" }, query: { instrumentGroup: "TQBR" } },
        ...text,
      }),
    getTradingStatus: () =>
      client.GET("/md/status/{exchange}/{market}", { params: { path: { exchange: "MOEX", market: "FOND" } }, ...text }),
    getServerTime: () => client.GET("/md/v2/time", text),
    getQuotes: () =>
      client.GET("/md/v2/Securities/{symbols}/quotes", {
        params: { path: { symbols: "MOEX:SBER,MOEX:GAZP" } },
        ...text,
      }),
    getOrderBook: () =>
      client.GET("/md/v2/orderbooks/{exchange}/{symbol}", {
        params: { path: { exchange: "MOEX", symbol: "SBER" }, query: { instrumentGroup: "TQBR", depth: 10 } },
        ...text,
      }),
    getCandles: () =>
      client.GET("/md/v2/history", {
        params: {
          query: {
            symbol: "SBER",
            exchange: "MOEX",
            instrumentGroup: "TQBR",
            tf: "60",
            from: now - 3600,
            to: now,
            countBack: 10,
            untraded: false,
            splitAdjust: true,
          },
        },
        ...text,
      }),
    getAllTrades: () =>
      client.GET("/md/v2/Securities/{exchange}/{symbol}/alltrades", {
        params: {
          path: { exchange: "MOEX", symbol: "SBER" },
          query: {
            instrumentGroup: "TQBR",
            from: now - 600,
            to: now,
            qtyFrom: 1,
            qtyTo: 100,
            priceFrom: 250,
            priceTo: 350,
            side: "buy",
            offset: 0,
            take: 50,
            descending: true,
            includeVirtualTrades: false,
          },
        },
        ...text,
      }),
    getAllTradesHistory: () =>
      client.GET("/md/v2/Securities/{exchange}/{symbol}/alltrades/history", {
        params: {
          path: { exchange: "MOEX", symbol: "SBER" },
          query: { instrumentGroup: "TQBR", from: now - 86_400 * 7, to: now - 86_400, limit: 100, offset: 0 },
        },
        ...text,
      }),
    getLoginPositions: () =>
      client.GET("/md/v2/Clients/{login}/positions", {
        params: { path: { login: "P039004" }, query: { withoutCurrency: true } },
        ...text,
      }),
    getPositions: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/positions", {
        params: { path: portfolioPath, query: { withoutCurrency: false } },
        ...text,
      }),
    getPosition: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/positions/{symbol}", {
        params: { path: { ...portfolioPath, symbol: "SBER" } },
        ...text,
      }),
    getPortfolioSummary: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/summary", { params: { path: portfolioPath }, ...text }),
    getPortfolioRisk: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/risk", { params: { path: portfolioPath }, ...text }),
    getOrders: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/orders", { params: { path: portfolioPath }, ...text }),
    getOrder: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/orders/{orderId}", {
        params: { path: { ...portfolioPath, orderId: ORDER_ID } },
        ...text,
      }),
    getTrades: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/trades", {
        params: { path: portfolioPath, query: { withRepo: false } },
        ...text,
      }),
    getStopOrders: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/stoporders", { params: { path: portfolioPath }, ...text }),
    getStopOrder: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/stoporders/{orderId}", {
        params: { path: { ...portfolioPath, orderId: ORDER_ID } },
        ...text,
      }),
    getFortsRisk: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/fortsrisk", {
        params: { path: { exchange: "MOEX", portfolio: "7500PST" }, query: { format: "Heavy", jsonResponse: true } },
        ...text,
      }),
    getTradesBySymbol: () =>
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/{symbol}/trades", {
        params: { path: { ...portfolioPath, symbol: "SBER" }, query: { instrumentGroup: "TQBR", format: "Simple" } },
        ...text,
      }),
    getTradesHistory: () =>
      client.GET("/md/v2/Stats/{exchange}/{portfolio}/history/trades", {
        params: {
          path: portfolioPath,
          query: {
            dateFrom: "2024-01-15",
            ticker: "SBER",
            from: 1,
            limit: 100,
            orderByTradeDate: true,
            descending: true,
            withRepo: false,
            side: "buy",
            format: "Slim",
            jsonResponse: true,
          },
        },
        ...text,
      }),
    estimateOrder: () =>
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/estimate", {
        body: { portfolio: PORTFOLIO, ticker: "SBER", exchange: "MOEX", price: 250, lotQuantity: 2, board: "TQBR" },
        ...text,
      }),
    estimateOrders: () =>
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/estimate/all", {
        body: [
          { portfolio: PORTFOLIO, ticker: "SBER", exchange: "MOEX", budget: 10_000, includeLimitOrders: true },
          { portfolio: PORTFOLIO, ticker: "GAZP", exchange: "MOEX", price: 160, lotQuantity: 1 },
        ],
        ...text,
      }),
    getAvailableBoards: () =>
      client.GET("/md/v2/Securities/{exchange}/{symbol}/availableBoards", {
        params: { path: { exchange: "MOEX", symbol: "SBER" }, query: { jsonResponse: true } },
        ...text,
      }),
    listCurrencyPairs: () => client.GET("/md/v2/Securities/currencyPairs", text),
    getRiskRates: () =>
      client.GET("/md/v2/risk/rates", {
        params: { query: { exchange: "MOEX", ticker: "SBER", riskCategoryId: 1, search: "SB", limit: 10, offset: 0 } },
        ...text,
      }),
    getTradesHistoryBySymbol: () =>
      client.GET("/md/v2/Stats/{exchange}/{portfolio}/history/trades/{symbol}", {
        params: {
          path: { ...portfolioPath, symbol: "SBER" },
          query: { instrumentGroup: "TQBR", dateFrom: "2024-01-15", limit: 50, side: "sell", format: "Heavy" },
        },
        ...text,
      }),
    getTradeStats: () =>
      client.GET("/md/stats/{exchange}/{portfolio}/history/trades", {
        params: { path: portfolioPath, query: { dateFrom: "2024-01-15", ticker: "SBER", limit: 20, format: "Simple" } },
        ...text,
      }),
    getTradeStatsBySymbol: () =>
      client.GET("/md/stats/{exchange}/{portfolio}/history/trades/{symbol}", {
        params: { path: { ...portfolioPath, symbol: "SBER" }, query: { dateFrom: "2024-01-15", descending: true } },
        ...text,
      }),
    listExchangeSecurities: () =>
      client.GET("/md/v2/Securities/{exchange}", {
        params: {
          path: { exchange: "MOEX" },
          query: {
            format: "Simple",
            market: "FOND",
            includeOld: false,
            limit: 10,
            includeNonBaseBoards: false,
            offset: 0,
          },
        },
        ...text,
      }),
    getNearestFuturesQuote: () =>
      client.GET("/md/v2/Securities/{exchange}/{symbol}/actualFuturesQuote", {
        params: { path: { exchange: "MOEX", symbol: "SI" }, query: { format: "Simple", jsonResponse: true } },
        ...text,
      }),
    getLegacyMoney: () =>
      client.GET("/md/v2/Clients/legacy/{exchange}/{portfolio}/money", {
        params: { path: portfolioPath, query: { format: "Simple" } },
        ...text,
      }),
    placeMarketOrder: () =>
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/market", {
        params: { header: reqid() },
        body: {
          side: "buy",
          quantity: 1,
          instrument: SBER,
          user: USER,
          comment: "brokerkit",
          timeInForce: "oneday",
          allowMargin: false,
        },
        ...text,
      }),
    placeLimitOrder: () =>
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", {
        params: { header: reqid() },
        body: {
          side: "buy",
          quantity: 1,
          price: 250.5,
          instrument: SBER,
          user: USER,
          comment: "brokerkit",
          timeInForce: "oneday",
          allowMargin: false,
          icebergFixed: 1,
        },
        ...text,
      }),
    modifyLimitOrder: () =>
      client.PUT("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit/{orderId}", {
        params: { header: reqid(), path: { orderId: ORDER_ID } },
        body: { side: "buy", quantity: 2, price: 251, instrument: SBER, user: USER, allowMargin: false },
        ...text,
      }),
    modifyMarketOrder: () =>
      client.PUT("/commandapi/warptrans/TRADE/v2/client/orders/actions/market/{orderId}", {
        params: { header: reqid(), path: { orderId: ORDER_ID } },
        body: { side: "buy", quantity: 2, instrument: SBER, user: USER, timeInForce: "oneday", allowMargin: false },
        ...text,
      }),
    modifyStopOrder: () =>
      client.PUT("/commandapi/warptrans/TRADE/v2/client/orders/actions/stop/{stopOrderId}", {
        params: { header: reqid(), path: { stopOrderId: ORDER_ID } },
        body: {
          side: "sell",
          condition: "less",
          triggerPrice: 279,
          stopEndUnixTime: now + 86_400,
          quantity: 1,
          instrument: SBER,
          user: USER,
          allowMargin: false,
          protectingSeconds: 15,
          activate: true,
        },
        ...text,
      }),
    modifyStopLimitOrder: () =>
      client.PUT("/commandapi/warptrans/TRADE/v2/client/orders/actions/stopLimit/{stopOrderId}", {
        params: { header: reqid(), path: { stopOrderId: ORDER_ID } },
        body: {
          side: "sell",
          condition: "less",
          triggerPrice: 279,
          price: 278.5,
          stopEndUnixTime: now + 86_400,
          quantity: 1,
          instrument: SBER,
          user: USER,
          timeInForce: "oneday",
          allowMargin: false,
          activate: true,
        },
        ...text,
      }),
    placeStopOrder: () =>
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/stop", {
        params: { header: reqid() },
        body: {
          side: "sell",
          condition: "less",
          triggerPrice: 280,
          stopEndUnixTime: now + 86_400,
          quantity: 1,
          instrument: SBER,
          user: USER,
          allowMargin: false,
          protectingSeconds: 15,
          activate: true,
        },
        ...text,
      }),
    placeStopLimitOrder: () =>
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/stopLimit", {
        params: { header: reqid() },
        body: {
          side: "sell",
          condition: "less",
          triggerPrice: 280,
          price: 279.5,
          stopEndUnixTime: now + 86_400,
          quantity: 1,
          instrument: SBER,
          user: USER,
          timeInForce: "oneday",
          allowMargin: false,
          activate: true,
        },
        ...text,
      }),
    cancelOrder: () =>
      client.DELETE("/commandapi/warptrans/TRADE/v2/client/orders/{orderId}", {
        params: { path: { orderId: ORDER_ID }, query: { portfolio: PORTFOLIO, exchange: "MOEX", stop: false } },
        ...text,
      }),
    cancelAllOrders: () =>
      client.DELETE("/commandapi/warptrans/TRADE/v2/client/orders/all", {
        params: { query: { exchange: "MOEX", portfolio: PORTFOLIO, stop: false } },
        ...text,
      }),
    ...legacyOperations(client, now),
    listOrderGroups: () => client.GET("/commandapi/api/orderGroups", text),
    createOrderGroup: () =>
      client.POST("/commandapi/api/orderGroups", {
        body: {
          orders: [
            { portfolio: PORTFOLIO, exchange: "MOEX", orderId: String(ORDER_ID), type: "Limit" },
            { portfolio: PORTFOLIO, exchange: "MOEX", orderId: "18000000001", type: "Stop" },
          ],
          executionPolicy: "OnExecuteOrCancel",
        },
        ...text,
      }),
    getOrderGroup: () =>
      client.GET("/commandapi/api/orderGroups/{orderGroupId}", {
        params: { path: { orderGroupId: GROUP_ID } },
        ...text,
      }),
    editOrderGroup: () =>
      client.PUT("/commandapi/api/orderGroups/{orderGroupId}", {
        params: { path: { orderGroupId: GROUP_ID } },
        body: {
          orders: [{ portfolio: PORTFOLIO, exchange: "MOEX", orderId: String(ORDER_ID), type: "Limit" }],
          executionPolicy: "TriggerBracketOrders",
        },
        ...text,
      }),
    cancelOrderGroup: () =>
      client.DELETE("/commandapi/api/orderGroups/{orderGroupId}", {
        params: { path: { orderGroupId: GROUP_ID } },
        ...text,
      }),
  };
}

/** ALOR's deprecated /warptrans/{tradeServerCode} routes (PascalCase bodies), one call each. */
function legacyOperations(client: AlorClient, now: number): Record<string, () => Promise<{ response: Response }>> {
  const tradeServerCode = "TRADE";
  const stop = {
    Quantity: 1,
    Side: "sell",
    TriggerPrice: 280,
    Instrument: { symbol: "SBER", exchange: "MOEX" },
    User: { account: "L01-00000F00", portfolio: PORTFOLIO },
    OrderEndUnixTime: now + 86_400,
  } as const;
  const stopLimit = { ...stop, Price: 279.5, timeInForce: "oneday" } as const;
  const base = "/warptrans/{tradeServerCode}/v2/client/orders/actions";
  const post = (path: `${typeof base}/${"stopLoss" | "takeProfit"}`) => () =>
    client.POST(path, { params: { header: reqid(), path: { tradeServerCode } }, body: stop, ...text });
  const postLimit = (path: `${typeof base}/${"stopLossLimit" | "takeProfitLimit"}`) => () =>
    client.POST(path, { params: { header: reqid(), path: { tradeServerCode } }, body: stopLimit, ...text });
  const put = (path: `${typeof base}/${"stopLoss" | "takeProfit"}/{orderId}`) => () =>
    client.PUT(path, {
      params: { header: reqid(), path: { tradeServerCode, orderId: ORDER_ID } },
      body: stop,
      ...text,
    });
  const putLimit = (path: `${typeof base}/${"stopLossLimit" | "takeProfitLimit"}/{orderId}`) => () =>
    client.PUT(path, {
      params: { header: reqid(), path: { tradeServerCode, orderId: ORDER_ID } },
      body: stopLimit,
      ...text,
    });
  return {
    placeStopLossLegacy: post(`${base}/stopLoss`),
    placeTakeProfitLegacy: post(`${base}/takeProfit`),
    placeStopLossLimitLegacy: postLimit(`${base}/stopLossLimit`),
    placeTakeProfitLimitLegacy: postLimit(`${base}/takeProfitLimit`),
    modifyStopLossLegacy: put(`${base}/stopLoss/{orderId}`),
    modifyTakeProfitLegacy: put(`${base}/takeProfit/{orderId}`),
    modifyStopLossLimitLegacy: putLimit(`${base}/stopLossLimit/{orderId}`),
    modifyTakeProfitLimitLegacy: putLimit(`${base}/takeProfitLimit/{orderId}`),
    cancelOrderLegacy: () =>
      client.DELETE("/warptrans/{tradeServerCode}/v2/client/orders/{orderId}", {
        params: {
          header: reqid(),
          path: { tradeServerCode, orderId: ORDER_ID },
          query: { portfolio: PORTFOLIO, stop: true },
        },
        ...text,
      }),
  };
}

describe.skipIf(!existsSync(spec))("the ALOR client against ALOR's official spec (Prism)", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism(spec);
  });
  afterAll(() => prism?.close());

  it("every covered operation sends a request that ALOR's spec accepts (bar the documented upstream defect)", async () => {
    const sent: string[] = [];
    const client = createAlorClient({
      environment: "test",
      credentials: { refreshToken: "alor-refresh-token-for-prism" },
      servers: { api: prism.url, oauth: prism.url },
      // Prism's recording fetch, noting what was sent (the token exchange uses it too).
      fetch: (input, init) => {
        sent.push(`${input.method} ${new URL(input.url).pathname}`);
        return prism.fetch(input, init);
      },
      // Every call must reach Prism once, as sent.
      cache: false,
      retry: false,
    });
    const calls = everyOperation(client);
    // All of the spec's operations except the token exchange, which the first call performs.
    const covered = client.runtime.config.operations.filter(([, path]) => path !== "/refresh");
    expect(Object.keys(calls)).toHaveLength(covered.length);

    const statuses: Record<string, number> = {};
    for (const [operation, call] of Object.entries(calls)) statuses[operation] = (await call()).response.status;

    const requestViolations = prism.violations.flatMap((entry) =>
      (Array.isArray(entry.violations) ? (entry.violations as Violation[]) : [{ message: String(entry.violations) }])
        .filter((violation) => violation.location?.[0] !== "response")
        .map((violation) => ({ method: entry.method, path: new URL(entry.url).pathname, ...violation })),
    );
    expect(requestViolations).toEqual([
      {
        method: "POST",
        path: "/commandapi/api/orderGroups",
        location: ["request", "body"],
        severity: "Error",
        code: "required",
        message: "Request body must have required property 'Orders'",
      },
      {
        method: "POST",
        path: "/commandapi/api/orderGroups",
        location: ["request", "body"],
        severity: "Error",
        code: "required",
        message: "Request body must have required property 'ExecutionPolicy'",
      },
      {
        method: "PUT",
        path: `/commandapi/api/orderGroups/${GROUP_ID}`,
        location: ["request", "body"],
        severity: "Error",
        code: "required",
        message: "Request body must have required property 'ExecutionPolicy'",
      },
    ]);
    // Prism answers valid requests with the spec's success example; only the defective one was refused.
    const refused = Object.keys(statuses).filter((operation) => (statuses[operation] as number) >= 300);
    expect(refused.sort()).toEqual(["createOrderGroup", "editOrderGroup"]);
    expect([400, 422]).toContain(statuses.createOrderGroup);
    expect([400, 422]).toContain(statuses.editOrderGroup);
    // One token exchange through Prism, then one request per operation.
    expect(sent.filter((line) => line === "POST /refresh")).toHaveLength(1);
    expect(sent).toHaveLength(covered.length + 1);

    const responseDefects = prism.violations.filter((entry) =>
      Array.isArray(entry.violations)
        ? (entry.violations as Violation[]).some((violation) => violation.location?.[0] === "response")
        : false,
    );
    console.info(
      `Prism: ${Object.keys(calls).length + 1} operations sent, ${requestViolations.length} request violations ` +
        `(the order-group casing defect), ${responseDefects.length} responses where ALOR's examples ` +
        `contradict ALOR's schemas (not ours)`,
    );
  });
});
