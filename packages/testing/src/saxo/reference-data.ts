/** The ref service: instrument search (`/ref/v1/instruments`) and details (`/ref/v1/instruments/details/{Uic}/{AssetType}`). */
import { ACCOUNTS, ASSET_TYPES, findInstrument, INSTRUMENTS, type Instrument } from "./fixtures.js";
import { page } from "./paging.js";
import { invalidModel, ok, type Reply, saxoError } from "./reply.js";

function summary(instrument: Instrument): Record<string, unknown> {
  return {
    AssetType: instrument.AssetType,
    CurrencyCode: instrument.CurrencyCode,
    Description: instrument.Description,
    ExchangeId: instrument.ExchangeId,
    GroupId: instrument.GroupId,
    Identifier: instrument.Uic,
    IssuerCountry: instrument.CountryCode || undefined,
    SummaryType: "Instrument",
    Symbol: instrument.Symbol,
    TradableAs: [instrument.AssetType],
  };
}

function list(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .join(",")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
}

export function searchInstruments(url: URL): Reply {
  const query = url.searchParams;
  const assetTypes = list(query, "AssetTypes");
  const unknown = assetTypes.filter((type) => !ASSET_TYPES.has(type));
  if (unknown.length) return invalidModel({ AssetTypes: [`Unknown AssetType value(s): ${unknown.join(", ")}`] });
  const uics = list(query, "Uics");
  if (uics.some((uic) => !/^\d+$/.test(uic))) return invalidModel({ Uics: ["Uics must be integers"] });
  const words = (query.get("Keywords") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const exchangeId = query.get("ExchangeId");

  const matches = INSTRUMENTS.filter((instrument) => {
    const text = `${instrument.Symbol} ${instrument.Description}`.toLowerCase();
    return (
      words.every((word) => text.includes(word)) &&
      (assetTypes.length === 0 || assetTypes.includes(instrument.AssetType)) &&
      (uics.length === 0 || uics.includes(String(instrument.Uic))) &&
      (!exchangeId || instrument.ExchangeId === exchangeId)
    );
  }).map(summary);
  const paged = page(matches, url);
  return "reply" in paged ? paged.reply : ok(paged.body);
}

export function instrumentDetails(uicText: string, assetType: string): Reply {
  if (!/^\d+$/.test(uicText)) return invalidModel({ Uic: ["Uic must be an integer"] });
  if (!ASSET_TYPES.has(assetType)) return invalidModel({ AssetType: [`Unknown AssetType ${assetType}`] });
  const instrument = findInstrument(Number(uicText), assetType);
  if (!instrument) {
    return saxoError(404, "IllegalInstrumentId", `No instrument with Uic ${uicText} and AssetType ${assetType}`);
  }
  const fxInstrument = instrument.AssetType.startsWith("Fx");
  return ok({
    AmountDecimals: 0,
    AssetType: instrument.AssetType,
    CurrencyCode: instrument.CurrencyCode,
    DefaultAmount: fxInstrument ? 100000 : 1,
    Description: instrument.Description,
    Exchange: {
      CountryCode: instrument.CountryCode,
      ExchangeId: instrument.ExchangeId,
      Name: instrument.ExchangeName,
    },
    Format: {
      Decimals: instrument.decimals,
      Format: fxInstrument ? "AllowDecimalPips" : "Normal",
      OrderDecimals: instrument.decimals,
    },
    GroupId: instrument.GroupId,
    IncrementSize: fxInstrument ? 1000 : 1,
    IsTradable: true,
    LotSize: fxInstrument ? undefined : 1,
    LotSizeType: fxInstrument ? "NotUsed" : "OddLotsAllowed",
    MinimumTradeSize: instrument.minimumTradeSize,
    PriceCurrency: instrument.CurrencyCode,
    PriceToContractFactor: 1,
    SupportedOrderTypes: ["Market", "Limit", "Stop", "StopIfTraded", "StopLimit", "TrailingStopIfTraded"],
    Symbol: instrument.Symbol,
    TickSize: instrument.tickSize,
    TradableAs: [instrument.AssetType],
    TradableOn: ACCOUNTS.map((account) => account.AccountId),
    TradingSignals: "NotAllowed",
    TradingStatus: "Tradable",
    Uic: instrument.Uic,
  });
}
