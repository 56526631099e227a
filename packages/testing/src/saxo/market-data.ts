/**
 * Deterministic simulated prices: a slow oscillation around each instrument's reference price, so quotes
 * move but every test sees sane, reproducible numbers. Info prices (`/trade/v1/infoprices`) and charts
 * (`/chart/v3/charts`, and v1 while it is served) are built from it.
 */
import { findInstrument, type Instrument } from "./fixtures.js";
import { invalidModel, ok, type Reply } from "./reply.js";

export const CHART_HORIZONS_V3: readonly number[] = [
  1, 2, 3, 5, 10, 15, 30, 60, 120, 180, 240, 300, 360, 480, 1440, 10080, 43200, 129600, 518400,
];
export const CHART_HORIZONS_V1: readonly number[] = [1, 5, 10, 15, 30, 60, 120, 240, 360, 480, 1440, 10080, 43200];
const MAX_CHART_SAMPLES = 1200;

function isFx(instrument: Instrument): boolean {
  return instrument.AssetType.startsWith("Fx");
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** Mid price at a time (ms since epoch). */
export function midPrice(instrument: Instrument, atMs: number): number {
  const minutes = atMs / 60_000;
  const wave = 0.004 * Math.sin(minutes / 97 + instrument.Uic) + 0.0015 * Math.cos(minutes / 13 + instrument.Uic / 7);
  return instrument.price * (1 + wave);
}

function halfSpread(instrument: Instrument): number {
  return isFx(instrument) ? instrument.tickSize * 8 : instrument.tickSize;
}

function displayAndFormat(instrument: Instrument): Record<string, unknown> {
  return {
    Currency: instrument.CurrencyCode,
    Decimals: instrument.decimals,
    Description: instrument.Description,
    Format: isFx(instrument) ? "AllowDecimalPips" : "Normal",
    OrderDecimals: instrument.decimals,
    Symbol: instrument.Symbol,
  };
}

function fieldGroups(query: URLSearchParams, fallback: string): Set<string> {
  const raw = query.getAll("FieldGroups").join(",") || fallback;
  return new Set(
    raw
      .split(",")
      .map((group) => group.trim())
      .filter(Boolean),
  );
}

function requiredInstrument(query: URLSearchParams): { instrument: Instrument } | { reply: Reply } {
  const problems: Record<string, string[]> = {};
  const uicText = query.get("Uic");
  const assetType = query.get("AssetType");
  if (!uicText || !/^\d+$/.test(uicText)) problems.Uic = ["Uic is required and must be an integer"];
  if (!assetType) problems.AssetType = ["AssetType is required"];
  if (Object.keys(problems).length) return { reply: invalidModel(problems) };
  const instrument = findInstrument(Number(uicText), assetType as string);
  if (!instrument) {
    return { reply: invalidModel({ Uic: [`No instrument with Uic ${uicText} and AssetType ${assetType}`] }) };
  }
  return { instrument };
}

/** GET /trade/v1/infoprices. `delayedMinutes` reflects the session's trade level for exchange prices. */
export function infoPrice(query: URLSearchParams, delayedMinutes: number): Reply {
  const found = requiredInstrument(query);
  if ("reply" in found) return found.reply;
  const { instrument } = found;
  const now = Date.now();
  const fxPrice = isFx(instrument);
  const delay = fxPrice ? 0 : delayedMinutes;
  const mid = midPrice(instrument, now - delay * 60_000);
  const spread = halfSpread(instrument);
  const amount = Number(query.get("Amount") ?? (fxPrice ? 100000 : 1));
  const groups = fieldGroups(query, "Quote");
  const body: Record<string, unknown> = {
    AssetType: instrument.AssetType,
    LastUpdated: new Date(now - delay * 60_000).toISOString(),
    PriceSource: fxPrice ? "SBFX" : instrument.ExchangeId,
    Uic: instrument.Uic,
  };
  if (groups.has("Quote")) {
    body.Quote = {
      Amount: amount,
      Ask: round(mid + spread, instrument.decimals),
      AskSize: fxPrice ? 5_000_000 : 400,
      Bid: round(mid - spread, instrument.decimals),
      BidSize: fxPrice ? 5_000_000 : 300,
      DelayedByMinutes: delay,
      ErrorCode: "None",
      MarketState: "Open",
      Mid: round(mid, instrument.decimals + 1),
      PriceSource: fxPrice ? "SBFX" : instrument.ExchangeId,
      PriceSourceType: "Firm",
      PriceTypeAsk: delay > 0 ? "Indicative" : "Tradable",
      PriceTypeBid: delay > 0 ? "Indicative" : "Tradable",
    };
  }
  if (groups.has("DisplayAndFormat")) body.DisplayAndFormat = displayAndFormat(instrument);
  if (groups.has("PriceInfo")) {
    const open = midPrice(instrument, now - 8 * 3_600_000);
    body.PriceInfo = {
      High: round(Math.max(open, mid) * 1.002, instrument.decimals),
      Low: round(Math.min(open, mid) * 0.998, instrument.decimals),
      NetChange: round(mid - open, instrument.decimals),
      PercentChange: round(((mid - open) / open) * 100, 2),
    };
  }
  if (groups.has("PriceInfoDetails")) {
    body.PriceInfoDetails = {
      AskSize: fxPrice ? 5_000_000 : 400,
      BidSize: fxPrice ? 5_000_000 : 300,
      LastClose: round(midPrice(instrument, now - 24 * 3_600_000), instrument.decimals),
      LastTraded: round(mid, instrument.decimals),
      LastTradedSize: fxPrice ? 0 : 100,
      Open: round(midPrice(instrument, now - 8 * 3_600_000), instrument.decimals),
      Volume: fxPrice ? 0 : 1_834_220,
    };
  }
  return ok(body);
}

/** GET /chart/v3/charts (and /chart/v1/charts with the v1 horizons). */
export function chart(query: URLSearchParams, horizons: readonly number[]): Reply {
  const problems: Record<string, string[]> = {};
  const horizon = Number(query.get("Horizon"));
  if (!horizons.includes(horizon)) problems.Horizon = [`Horizon must be one of ${horizons.join(", ")}`];
  const count = query.has("Count") ? Number(query.get("Count")) : MAX_CHART_SAMPLES;
  if (!Number.isInteger(count) || count < 1 || count > MAX_CHART_SAMPLES) {
    problems.Count = [`Count must be an integer from 1 to ${MAX_CHART_SAMPLES}`];
  }
  const mode = query.get("Mode") ?? "UpTo";
  if (mode !== "UpTo" && mode !== "From") problems.Mode = ["Mode must be From or UpTo"];
  const timeText = query.get("Time");
  const time = timeText ? Date.parse(timeText) : Date.now();
  if (Number.isNaN(time)) problems.Time = ["Time must be an ISO 8601 UTC date-time"];
  const found = requiredInstrument(query);
  if ("reply" in found) {
    const inner = (found.reply.body as { ModelState?: Record<string, string[]> }).ModelState ?? {};
    return invalidModel({ ...inner, ...problems });
  }
  if (Object.keys(problems).length) return invalidModel(problems);
  const { instrument } = found;

  const step = horizon * 60_000;
  const anchor = Math.floor(time / step) * step;
  const first = mode === "From" ? anchor : anchor - (count - 1) * step;
  const last = Math.min(first + (count - 1) * step, Math.floor(Date.now() / step) * step);
  const samples: Record<string, unknown>[] = [];
  for (let at = first; at <= last; at += step) samples.push(sample(instrument, at, step));

  const groups = fieldGroups(query, "Data");
  const body: Record<string, unknown> = { DataVersion: Math.floor(Date.now() / 1000) };
  if (groups.has("ChartInfo")) {
    body.ChartInfo = {
      DelayedByMinutes: isFx(instrument) ? 0 : 15,
      ExchangeId: instrument.ExchangeId,
      FirstSampleTime: new Date(first).toISOString(),
      Horizon: horizon,
    };
  }
  if (groups.has("Data")) body.Data = samples;
  if (groups.has("DisplayAndFormat")) body.DisplayAndFormat = displayAndFormat(instrument);
  return ok(body);
}

function sample(instrument: Instrument, at: number, step: number): Record<string, unknown> {
  const d = instrument.decimals;
  const open = midPrice(instrument, at);
  const close = midPrice(instrument, at + step);
  const high = Math.max(open, close, midPrice(instrument, at + step / 2)) * 1.0003;
  const low = Math.min(open, close, midPrice(instrument, at + step / 2)) * 0.9997;
  const time = new Date(at).toISOString();
  if (isFx(instrument)) {
    const s = halfSpread(instrument);
    return {
      CloseAsk: round(close + s, d),
      CloseBid: round(close - s, d),
      HighAsk: round(high + s, d),
      HighBid: round(high - s, d),
      LowAsk: round(low + s, d),
      LowBid: round(low - s, d),
      OpenAsk: round(open + s, d),
      OpenBid: round(open - s, d),
      Time: time,
    };
  }
  return {
    Close: round(close, d),
    High: round(high, d),
    Interest: 0,
    Low: round(low, d),
    Open: round(open, d),
    Time: time,
    Volume: 1000 + (Math.floor(at / step) % 97) * 137,
  };
}
