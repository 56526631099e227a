/** The root and port services: session capabilities, the user, accounts, balance, positions and open orders. */
import { ACCOUNTS, accountBody, BALANCE, type Instrument, POSITIONS, type SimPosition, USER } from "./fixtures.js";
import { midPrice } from "./market-data.js";
import type { OrderBook } from "./orders.js";
import { page } from "./paging.js";
import { invalidModel, ok, type Reply, saxoError } from "./reply.js";

export interface Capabilities {
  TradeLevel: "FullTradingAndChat" | "OrdersOnly";
  DataLevel: "Premium" | "Standard";
}

export class Portfolio {
  private readonly capabilities = new Map<string, Capabilities>();

  constructor(private readonly orders: OrderBook) {}

  capabilitiesOf(sessionId: string): Capabilities {
    return this.capabilities.get(sessionId) ?? { TradeLevel: "OrdersOnly", DataLevel: "Standard" };
  }

  getCapabilities(sessionId: string): Reply {
    return ok(this.capabilitiesOf(sessionId));
  }

  /** PATCH: upgrading one session demotes the others, as Saxo does for a user's sessions. */
  patchCapabilities(sessionId: string, body: unknown): Reply {
    const change = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const problems: Record<string, string[]> = {};
    if (
      change.TradeLevel !== undefined &&
      change.TradeLevel !== "FullTradingAndChat" &&
      change.TradeLevel !== "OrdersOnly"
    ) {
      problems.TradeLevel = ["TradeLevel must be FullTradingAndChat or OrdersOnly"];
    }
    if (change.DataLevel !== undefined && change.DataLevel !== "Premium" && change.DataLevel !== "Standard") {
      problems.DataLevel = ["DataLevel must be Premium or Standard"];
    }
    if (change.TradeLevel === undefined && change.DataLevel === undefined) {
      problems.TradeLevel = ["TradeLevel or DataLevel is required"];
    }
    if (Object.keys(problems).length) return invalidModel(problems);
    const next = { ...this.capabilitiesOf(sessionId) };
    if (change.TradeLevel !== undefined) next.TradeLevel = change.TradeLevel as Capabilities["TradeLevel"];
    if (change.DataLevel !== undefined) next.DataLevel = change.DataLevel as Capabilities["DataLevel"];
    for (const [other, current] of this.capabilities) {
      if (other === sessionId) continue;
      if (next.TradeLevel === "FullTradingAndChat") current.TradeLevel = "OrdersOnly";
      if (next.DataLevel === "Premium") current.DataLevel = "Standard";
    }
    this.capabilities.set(sessionId, next);
    return { status: 202 };
  }

  user(): Reply {
    return ok(USER);
  }

  accounts(url: URL): Reply {
    return paged(ACCOUNTS.map(accountBody), url);
  }

  balance(): Reply {
    return ok({ ...BALANCE, OrdersCount: this.orders.openOrders().length });
  }

  positions(url: URL): Reply {
    const groups = fieldGroups(url, ["PositionBase", "PositionView"]);
    return paged(
      POSITIONS.map((position) => positionBody(position, groups)),
      url,
    );
  }

  position(positionId: string): Reply {
    const found = POSITIONS.find((candidate) => candidate.PositionId === positionId);
    if (!found) return saxoError(404, "NotFound", `No position with PositionId ${positionId}`);
    return ok(positionBody(found, new Set(["PositionBase", "PositionView"])));
  }

  netPositions(url: URL): Reply {
    const groups = fieldGroups(url, ["NetPositionBase", "NetPositionView"]);
    return paged(
      POSITIONS.map((position) => netPositionBody(position, groups)),
      url,
    );
  }

  openOrders(url: URL): Reply {
    return paged(this.orders.openOrders(), url);
  }
}

function paged(items: unknown[], url: URL): Reply {
  const result = page(items, url);
  return "reply" in result ? result.reply : ok(result.body);
}

function fieldGroups(url: URL, fallback: string[]): Set<string> {
  const raw = url.searchParams.getAll("FieldGroups").join(",");
  return new Set(raw ? raw.split(",").map((group) => group.trim()) : fallback);
}

function valuation(position: SimPosition) {
  const { instrument } = position;
  const current = midPrice(instrument, Date.now());
  const profitLoss = (current - position.OpenPrice) * position.Amount;
  return { current, profitLoss };
}

function displayAndFormat(instrument: Instrument): Record<string, unknown> {
  return {
    Currency: instrument.CurrencyCode,
    Decimals: instrument.decimals,
    Description: instrument.Description,
    Format: instrument.AssetType.startsWith("Fx") ? "AllowDecimalPips" : "Normal",
    Symbol: instrument.Symbol,
  };
}

function positionBody(position: SimPosition, groups: Set<string>): Record<string, unknown> {
  const { instrument, account } = position;
  const { current, profitLoss } = valuation(position);
  const body: Record<string, unknown> = { NetPositionId: position.NetPositionId, PositionId: position.PositionId };
  if (groups.has("PositionIdOnly")) return body;
  if (groups.has("PositionBase")) {
    body.PositionBase = {
      AccountId: account.AccountId,
      AccountKey: account.AccountKey,
      Amount: position.Amount,
      AssetType: instrument.AssetType,
      CanBeClosed: true,
      ClientId: "16543210",
      CloseConversionRateSettled: false,
      ExecutionTimeOpen: position.ExecutionTimeOpen,
      IsForceOpen: false,
      IsMarketOpen: true,
      LockedByBackOffice: false,
      OpenPrice: position.OpenPrice,
      SourceOrderId: position.SourceOrderId,
      Status: "Open",
      Uic: instrument.Uic,
      ValueDate: "2025-04-16T00:00:00Z",
    };
  }
  if (groups.has("PositionView")) {
    body.PositionView = {
      CalculationReliability: "Ok",
      ConversionRateCurrent: 1,
      CurrentPrice: Number(current.toFixed(instrument.decimals)),
      CurrentPriceDelayMinutes: instrument.AssetType.startsWith("Fx") ? 0 : 15,
      CurrentPriceType: "Mid",
      Exposure: position.Amount,
      ExposureCurrency: instrument.AssetType.startsWith("Fx") ? instrument.Symbol.slice(0, 3) : instrument.CurrencyCode,
      ExposureInBaseCurrency: Number((position.Amount * current).toFixed(2)),
      InstrumentPriceDayPercentChange: 0.26,
      ProfitLossOnTrade: Number(profitLoss.toFixed(2)),
      ProfitLossOnTradeInBaseCurrency: Number(profitLoss.toFixed(2)),
      TradeCostsTotal: 0,
      TradeCostsTotalInBaseCurrency: 0,
    };
  }
  if (groups.has("DisplayAndFormat")) body.DisplayAndFormat = displayAndFormat(instrument);
  if (groups.has("ExchangeInfo")) body.Exchange = { ExchangeId: instrument.ExchangeId, IsOpen: true };
  return body;
}

function netPositionBody(position: SimPosition, groups: Set<string>): Record<string, unknown> {
  const { instrument, account } = position;
  const { current, profitLoss } = valuation(position);
  const body: Record<string, unknown> = { NetPositionId: position.NetPositionId };
  if (groups.has("NetPositionBase")) {
    body.NetPositionBase = {
      AccountId: account.AccountId,
      Amount: position.Amount,
      AssetType: instrument.AssetType,
      CanBeClosed: true,
      ClientId: "16543210",
      HasForceOpenPositions: false,
      IsMarketOpen: true,
      NonTradableReason: "None",
      NumberOfRelatedOrders: 0,
      OpenIpoOrdersCount: 0,
      OpenOrdersCount: 0,
      OpenTriggerOrdersCount: 0,
      OpeningDirection: position.Amount >= 0 ? "Buy" : "Sell",
      PositionsAccount: account.AccountId,
      SinglePositionStatus: "Open",
      Uic: instrument.Uic,
      ValueDate: "2025-04-16T00:00:00Z",
    };
  }
  if (groups.has("NetPositionView")) {
    body.NetPositionView = {
      AverageOpenPrice: position.OpenPrice,
      AverageOpenPriceIncludingCosts: position.OpenPrice,
      CalculationReliability: "Ok",
      CurrentPrice: Number(current.toFixed(instrument.decimals)),
      CurrentPriceDelayMinutes: instrument.AssetType.startsWith("Fx") ? 0 : 15,
      CurrentPriceType: "Mid",
      Exposure: position.Amount,
      ExposureInBaseCurrency: Number((position.Amount * current).toFixed(2)),
      InstrumentPriceDayPercentChange: 0.26,
      PositionCount: 1,
      PositionsNotClosedCount: 0,
      ProfitLossOnTrade: Number(profitLoss.toFixed(2)),
      ProfitLossOnTradeInBaseCurrency: Number(profitLoss.toFixed(2)),
      Status: "Open",
      TradeCostsTotal: 0,
      TradeCostsTotalInBaseCurrency: 0,
    };
  }
  if (groups.has("DisplayAndFormat")) body.DisplayAndFormat = displayAndFormat(instrument);
  if (groups.has("ExchangeInfo")) body.Exchange = { ExchangeId: instrument.ExchangeId, IsOpen: true };
  return body;
}
