/**
 * The simulated order book behind `/trade/v2/orders`: place (with up to two related orders), modify and
 * cancel, with Saxo's two kinds of rejection: `InvalidModelState` (400 with `ModelState`) for malformed
 * requests, and a business rejection (400 with `ErrorInfo`) for well-formed orders that cannot be placed.
 * Market orders fill at once; other orders stay `Working` until cancelled.
 */
import { ACCOUNTS, ASSET_TYPES, CLIENT, DEFAULT_ACCOUNT, findInstrument, type SimAccount } from "./fixtures.js";
import { midPrice } from "./market-data.js";
import { invalidModel, ok, type Reply, saxoError } from "./reply.js";

const ORDER_TYPES = new Set([
  "Algorithmic",
  "DealCapture",
  "GuaranteedStop",
  "Limit",
  "Market",
  "Stop",
  "StopIfTraded",
  "StopLimit",
  "Switch",
  "TrailingStop",
  "TrailingStopIfTraded",
  "Traspaso",
  "TraspasoIn",
]);
const DURATION_TYPES = new Set([
  "AtTheClose",
  "AtTheOpening",
  "DayOrder",
  "FillOrKill",
  "GoodForPeriod",
  "GoodTillCancel",
  "GoodTillDate",
  "ImmediateOrCancel",
]);

export interface SimOrder {
  OrderId: string;
  /** The session that placed it. */
  sessionId: string;
  account: SimAccount;
  Uic: number;
  AssetType: string;
  BuySell: "Buy" | "Sell";
  Amount: number;
  OrderType: string;
  Price?: number;
  StopLimitPrice?: number;
  Duration: { DurationType: string; ExpirationDateTime?: string };
  OrderTime: string;
  OrderRelation: "StandAlone" | "IfDoneMaster" | "IfDoneSlave";
  ExternalReference?: string;
  ManualOrder?: boolean;
  Status: "Working" | "Filled" | "Cancelled";
  RelatedOrderIds: string[];
}

type Json = Record<string, unknown>;

export class OrderBook {
  readonly orders: SimOrder[] = [];
  private nextId = 5_003_000_000;

  /** POST /trade/v2/orders */
  place(body: unknown, sessionId: string): Reply {
    if (!isObject(body)) return invalidModel({ "": ["The request body must be a JSON object"] });
    const problems = validateEntry(body);
    if (Object.keys(problems).length) return invalidModel(problems);
    const account = accountFor(body.AccountKey);
    if (!account) return rejected("InvalidAccountKey", "The AccountKey does not belong to the client");
    const instrument = findInstrument(body.Uic as number, body.AssetType as string);
    if (!instrument) return rejected("IllegalInstrumentId", `No tradable instrument with Uic ${String(body.Uic)}`);
    if (body.OrderType !== "Market" && typeof body.OrderPrice !== "number") {
      return rejected("PriceNotSpecified", `OrderPrice is required for ${String(body.OrderType)} orders`);
    }
    const related = Array.isArray(body.Orders) ? (body.Orders as unknown[]) : [];
    for (const [index, child] of related.entries()) {
      const childProblems = isObject(child) ? validateRelated(child) : { "": ["must be an object"] };
      if (Object.keys(childProblems).length) return invalidModel(prefix(`Orders[${index}]`, childProblems));
    }

    const entry = this.create(body, sessionId, account, related.length ? "IfDoneMaster" : "StandAlone");
    if (body.OrderType === "Market") entry.Status = "Filled";
    const children = related.map((child) =>
      this.create({ ...(child as Json), Uic: body.Uic, AssetType: body.AssetType }, sessionId, account, "IfDoneSlave"),
    );
    entry.RelatedOrderIds = children.map((child) => child.OrderId);
    return ok({
      OrderId: entry.OrderId,
      ...(children.length ? { Orders: children.map((child) => ({ OrderId: child.OrderId })) } : {}),
      ...(typeof body.ExternalReference === "string" ? { ExternalReference: body.ExternalReference } : {}),
    });
  }

  /** PATCH /trade/v2/orders: `OrderId` (and/or `Orders` entries with `OrderId`) with the fields to change. */
  modify(body: unknown): Reply {
    if (!isObject(body)) return invalidModel({ "": ["The request body must be a JSON object"] });
    const problems: Record<string, string[]> = {};
    if (typeof body.AccountKey !== "string") problems.AccountKey = ["AccountKey is required"];
    if (typeof body.AssetType !== "string" || !ASSET_TYPES.has(body.AssetType)) {
      problems.AssetType = ["AssetType is required and must be a Saxo AssetType"];
    }
    const changes = [
      ...(typeof body.OrderId === "string" ? [body] : []),
      ...(Array.isArray(body.Orders) ? (body.Orders as unknown[]).filter(isObject) : []),
    ];
    if (changes.length === 0) problems.OrderId = ["OrderId is required"];
    if (Object.keys(problems).length) return invalidModel(problems);

    const targets = changes.map((change) => ({ change, order: this.find(String(change.OrderId)) }));
    const missing = targets.find(({ order }) => !order || order.account.AccountKey !== body.AccountKey);
    if (missing) return saxoError(404, "OrderNotFound", `Order ${String(missing.change.OrderId)} was not found`);
    const notWorking = targets.find(({ order }) => order?.Status !== "Working");
    if (notWorking) {
      return rejected("OrderNotWorking", `Order ${String(notWorking.change.OrderId)} is no longer working`);
    }
    for (const { change, order } of targets) {
      if (!order) continue;
      if (typeof change.Amount === "number") order.Amount = change.Amount;
      if (typeof change.OrderPrice === "number") order.Price = change.OrderPrice;
      if (typeof change.StopLimitPrice === "number") order.StopLimitPrice = change.StopLimitPrice;
      if (typeof change.OrderType === "string" && ORDER_TYPES.has(change.OrderType)) order.OrderType = change.OrderType;
      if (isObject(change.OrderDuration) && typeof change.OrderDuration.DurationType === "string") {
        order.Duration = { DurationType: change.OrderDuration.DurationType };
      }
    }
    const [first, ...rest] = targets;
    return ok({
      OrderId: first?.order?.OrderId,
      ...(rest.length ? { Orders: rest.map(({ order }) => ({ OrderId: order?.OrderId })) } : {}),
    });
  }

  /** DELETE /trade/v2/orders/{OrderIds}?AccountKey=… */
  cancel(orderIds: string, accountKey: string | null): Reply {
    if (!accountKey) return invalidModel({ AccountKey: ["AccountKey is required"] });
    const ids = orderIds.split(",").map((id) => id.trim());
    if (ids.some((id) => !/^\d+$/.test(id)))
      return invalidModel({ OrderIds: ["OrderIds must be comma-separated ids"] });
    return ok({
      Orders: ids.map((id) => {
        const order = this.find(id);
        if (!order || order.account.AccountKey !== accountKey) {
          return { OrderId: id, ErrorInfo: { ErrorCode: "OrderNotFound", Message: `Order ${id} was not found` } };
        }
        if (order.Status !== "Working") {
          return { OrderId: id, ErrorInfo: { ErrorCode: "OrderNotWorking", Message: `Order ${id} is not working` } };
        }
        order.Status = "Cancelled";
        return { OrderId: id };
      }),
    });
  }

  /** Working orders as `/port/v1/orders/me` lists them. */
  openOrders(): Json[] {
    return this.orders.filter((order) => order.Status === "Working").map(openOrderBody);
  }

  private find(id: string): SimOrder | undefined {
    return this.orders.find((order) => order.OrderId === id);
  }

  private create(body: Json, sessionId: string, account: SimAccount, relation: SimOrder["OrderRelation"]): SimOrder {
    const duration = body.OrderDuration as SimOrder["Duration"];
    const order: SimOrder = {
      OrderId: String(this.nextId++),
      sessionId,
      account,
      Uic: body.Uic as number,
      AssetType: body.AssetType as string,
      BuySell: body.BuySell as "Buy" | "Sell",
      Amount: body.Amount as number,
      OrderType: body.OrderType as string,
      ...(typeof body.OrderPrice === "number" ? { Price: body.OrderPrice } : {}),
      ...(typeof body.StopLimitPrice === "number" ? { StopLimitPrice: body.StopLimitPrice } : {}),
      Duration: { DurationType: duration.DurationType },
      OrderTime: new Date().toISOString(),
      OrderRelation: relation,
      ...(typeof body.ExternalReference === "string" ? { ExternalReference: body.ExternalReference } : {}),
      ...(typeof body.ManualOrder === "boolean" ? { ManualOrder: body.ManualOrder } : {}),
      Status: "Working",
      RelatedOrderIds: [],
    };
    this.orders.push(order);
    return order;
  }
}

function openOrderBody(order: SimOrder): Json {
  const instrument = findInstrument(order.Uic, order.AssetType);
  const market = instrument ? midPrice(instrument, Date.now()) : undefined;
  const decimals = instrument?.decimals ?? 2;
  return {
    AccountId: order.account.AccountId,
    AccountKey: order.account.AccountKey,
    Amount: order.Amount,
    AssetType: order.AssetType,
    BuySell: order.BuySell,
    CalculationReliability: "Ok",
    ClientKey: CLIENT.ClientKey,
    ...(market !== undefined ? { CurrentPrice: Number(market.toFixed(decimals)), CurrentPriceType: "Mid" } : {}),
    CurrentPriceDelayMinutes: 0,
    ...(market !== undefined && order.Price !== undefined
      ? { DistanceToMarket: Number(Math.abs(market - order.Price).toFixed(decimals)) }
      : {}),
    Duration: order.Duration,
    ...(order.ExternalReference ? { ExternalReference: order.ExternalReference } : {}),
    FilledAmount: 0,
    IsForceOpen: false,
    IsMarketOpen: true,
    ...(order.ManualOrder !== undefined ? { ManualOrder: order.ManualOrder } : {}),
    NonTradableReason: "None",
    OpenOrderType: order.OrderType,
    OrderAmountType: "Quantity",
    OrderId: order.OrderId,
    OrderRelation: order.OrderRelation,
    OrderTime: order.OrderTime,
    ...(order.Price !== undefined ? { Price: order.Price } : {}),
    Status: order.Status,
    ...(order.StopLimitPrice !== undefined ? { StopLimitPrice: order.StopLimitPrice } : {}),
    Uic: order.Uic,
  };
}

function validateEntry(body: Json): Record<string, string[]> {
  const problems = validateRelated(body);
  if (!Number.isInteger(body.Uic)) problems.Uic = ["Uic is required and must be an integer"];
  if (typeof body.AssetType !== "string" || !ASSET_TYPES.has(body.AssetType)) {
    problems.AssetType = ["AssetType is required and must be a Saxo AssetType"];
  }
  if (body.AccountKey !== undefined && typeof body.AccountKey !== "string") {
    problems.AccountKey = ["AccountKey must be a string"];
  }
  if (body.ExternalReference !== undefined) {
    if (typeof body.ExternalReference !== "string" || body.ExternalReference.length > 50) {
      problems.ExternalReference = ["ExternalReference must be a string of at most 50 characters"];
    }
  }
  if (body.Orders !== undefined && (!Array.isArray(body.Orders) || body.Orders.length > 2)) {
    problems.Orders = ["Orders must be an array of at most two related orders"];
  }
  return problems;
}

function validateRelated(body: Json): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  if (body.BuySell !== "Buy" && body.BuySell !== "Sell") problems.BuySell = ["BuySell must be Buy or Sell"];
  if (typeof body.Amount !== "number" || !(body.Amount > 0)) problems.Amount = ["Amount must be a positive number"];
  if (typeof body.OrderType !== "string" || !ORDER_TYPES.has(body.OrderType)) {
    problems.OrderType = ["OrderType is required and must be a placeable order type"];
  }
  const duration = body.OrderDuration;
  if (!isObject(duration) || typeof duration.DurationType !== "string" || !DURATION_TYPES.has(duration.DurationType)) {
    problems["OrderDuration.DurationType"] = ["OrderDuration.DurationType is required"];
  }
  if (body.OrderPrice !== undefined && typeof body.OrderPrice !== "number") {
    problems.OrderPrice = ["OrderPrice must be a number"];
  }
  return problems;
}

function accountFor(accountKey: unknown): SimAccount | undefined {
  if (accountKey === undefined) return DEFAULT_ACCOUNT;
  return ACCOUNTS.find((account) => account.AccountKey === accountKey);
}

function rejected(errorCode: string, message: string): Reply {
  return { status: 400, body: { ErrorInfo: { ErrorCode: errorCode, Message: message } } };
}

function prefix(path: string, problems: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(problems).map(([field, messages]) => [`${path}.${field}`, messages]));
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
