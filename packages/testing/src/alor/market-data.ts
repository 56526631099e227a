/**
 * Market data for the ALOR simulator: quotes, order books, candles and anonymous trades, all derived
 * deterministically from each instrument's reference price (same inputs, same numbers), so tests can
 * compare answers across calls while the bodies still look like ALOR's.
 */
import { referencePrice, round } from "./catalogue.js";
import { fail } from "./http.js";
import type { Security, Side } from "./shapes.js";

/** FNV-1a hash mapped to [0, 1): stable pseudo-random numbers keyed by strings. */
export function noise(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return (hash >>> 0) / 2 ** 32;
}

export function bestBid(security: Security): number {
  return round(referencePrice(security) - security.minstep, security.minstep);
}

export function bestAsk(security: Security): number {
  return round(referencePrice(security) + security.minstep, security.minstep);
}

export function quote(security: Security, nowMs: number) {
  const last = referencePrice(security);
  const step = security.minstep;
  const prevClose = round(last * (1 - 0.004), step);
  const change = round(last - prevClose, step);
  return {
    symbol: security.symbol,
    exchange: security.exchange,
    description: security.description,
    prev_close_price: prevClose,
    last_price: last,
    last_price_timestamp: Math.floor(nowMs / 1000),
    high_price: round(last * 1.006, step),
    low_price: round(last * 0.992, step),
    accruedInt: 0,
    volume: Math.round(1e5 + noise(`vol:${security.symbol}`) * 2e7),
    open_interest: security.market === "FORTS" ? Math.round(1e5 + noise(`oi:${security.symbol}`) * 1e6) : null,
    ask: bestAsk(security),
    bid: bestBid(security),
    ask_vol: 1 + Math.floor(noise(`askv:${security.symbol}`) * 500),
    bid_vol: 1 + Math.floor(noise(`bidv:${security.symbol}`) * 500),
    ob_ms_timestamp: nowMs,
    open_price: round(last * 0.998, step),
    yield: security.yield,
    lotsize: security.lotsize,
    lotvalue: round(last * security.lotsize, 0.01),
    facevalue: security.facevalue,
    type: security.type,
    total_bid_vol: Math.round(1e4 + noise(`tbv:${security.symbol}`) * 1e6),
    total_ask_vol: Math.round(1e4 + noise(`tav:${security.symbol}`) * 1e6),
    accrued_interest: 0,
    change,
    change_percent: Number(((change / prevClose) * 100).toFixed(2)),
  };
}

export function orderBook(security: Security, depth: number, nowMs: number) {
  const step = security.minstep;
  const level = (side: "bid" | "ask", i: number) => ({
    price: round(side === "bid" ? bestBid(security) - i * step : bestAsk(security) + i * step, step),
    volume: 1 + Math.floor(noise(`${side}:${security.symbol}:${i}`) * 500),
  });
  return {
    snapshot: true,
    bids: Array.from({ length: depth }, (_, i) => level("bid", i)),
    asks: Array.from({ length: depth }, (_, i) => level("ask", i)),
    timestamp: nowMs / 1000,
    ms_timestamp: nowMs,
    existing: true,
  };
}

const TIMEFRAME_CODES: Record<string, number> = { D: 86_400, W: 604_800, M: 2_592_000, Y: 31_536_000 };
/** Refuse periods that would need more candles than this; clients must ask for bounded periods. */
export const MAX_CANDLES = 20_000;

export function timeframeSeconds(tf: string): number {
  const code = TIMEFRAME_CODES[tf];
  if (code) return code;
  if (/^[1-9][0-9]*$/.test(tf)) return Number(tf);
  throw fail(400, `query parameter 'tf' must be a number of seconds or one of D, W, M, Y, got '${tf}'`);
}

/** A slow weekly wave plus per-moment jitter around the reference price. */
function priceAt(security: Security, unixSeconds: number): number {
  const wave = 0.03 * Math.sin((2 * Math.PI * unixSeconds) / 604_800 + noise(security.symbol) * 6);
  const jitter = 0.01 * (noise(`${security.symbol}:${unixSeconds}`) - 0.5);
  return round(referencePrice(security) * (1 + wave + jitter), security.minstep);
}

export function candles(
  security: Security,
  args: { tf: number; from: number; to: number; countBack?: number | undefined; nowSeconds: number },
) {
  const { tf, nowSeconds } = args;
  if (args.to < args.from) throw fail(400, "query parameter 'to' must not be before 'from'");
  const last = Math.floor(Math.min(args.to, nowSeconds) / tf) * tf;
  let first = Math.ceil(args.from / tf) * tf;
  if (args.countBack && (last - first) / tf + 1 < args.countBack) first = last - (args.countBack - 1) * tf;
  const count = last >= first ? (last - first) / tf + 1 : 0;
  if (count > MAX_CANDLES) {
    throw fail(400, `the period holds ${count} candles; ask for at most ${MAX_CANDLES} at once`);
  }
  const history = Array.from({ length: count }, (_, i) => {
    const time = first + i * tf;
    const open = priceAt(security, time);
    const close = priceAt(security, time + tf);
    const spread = 1 + 0.002 * noise(`hl:${security.symbol}:${time}`);
    return {
      time,
      close,
      open,
      high: round(Math.max(open, close) * spread, security.minstep),
      low: round(Math.min(open, close) / spread, security.minstep),
      volume: 100 + Math.floor(noise(`v:${security.symbol}:${time}`) * 10_000),
    };
  });
  return {
    history,
    next: count && last + tf <= nowSeconds ? last + tf : null,
    prev: count ? first - tf : null,
  };
}

/** Anonymous trades happen every TRADE_SPACING seconds; ids count those slots, so they rise with time. */
const TRADE_SPACING = 30;
/** The current session, as far as the simulator is concerned, is the last SESSION_TRADES slots. */
const SESSION_TRADES = 240;

function tradeAt(security: Security, unixSeconds: number) {
  const id = unixSeconds / TRADE_SPACING;
  const side: Side = noise(`side:${security.symbol}:${id}`) < 0.5 ? "buy" : "sell";
  const ms = unixSeconds * 1000 + Math.floor(noise(`ms:${security.symbol}:${id}`) * 1000);
  return {
    id,
    orderno: "0",
    symbol: security.symbol,
    board: security.board,
    qty: 1 + Math.floor(noise(`q:${security.symbol}:${id}`) * 50),
    price: side === "buy" ? bestAsk(security) : bestBid(security),
    time: new Date(ms).toISOString(),
    timestamp: ms,
    side,
    oi: security.market === "FORTS" ? 100_000 + Math.floor(noise(`oi:${security.symbol}:${id}`) * 10_000) : 0,
    existing: false,
  };
}

export function sessionStartSeconds(nowSeconds: number): number {
  return (Math.floor(nowSeconds / TRADE_SPACING) - SESSION_TRADES + 1) * TRADE_SPACING;
}

export interface AllTradesFilter {
  from?: number | undefined;
  to?: number | undefined;
  fromId?: number | undefined;
  toId?: number | undefined;
  qtyFrom?: number | undefined;
  qtyTo?: number | undefined;
  priceFrom?: number | undefined;
  priceTo?: number | undefined;
  side?: Side | undefined;
  offset?: number | undefined;
  take?: number | undefined;
  descending?: boolean | undefined;
}

/** Trades of the current session, filtered, ordered and paged as ALOR's `alltrades` does. */
export function sessionTrades(security: Security, filter: AllTradesFilter, nowSeconds: number) {
  const start = sessionStartSeconds(nowSeconds);
  const trades = Array.from({ length: SESSION_TRADES }, (_, i) => tradeAt(security, start + i * TRADE_SPACING)).filter(
    (t) =>
      (filter.from === undefined || t.timestamp >= filter.from * 1000) &&
      (filter.to === undefined || t.timestamp < (filter.to + 1) * 1000) &&
      (filter.fromId === undefined || t.id >= filter.fromId) &&
      (filter.toId === undefined || t.id <= filter.toId) &&
      (filter.qtyFrom === undefined || t.qty >= filter.qtyFrom) &&
      (filter.qtyTo === undefined || t.qty <= filter.qtyTo) &&
      (filter.priceFrom === undefined || t.price >= filter.priceFrom) &&
      (filter.priceTo === undefined || t.price <= filter.priceTo) &&
      (filter.side === undefined || t.side === filter.side),
  );
  if (filter.descending) trades.reverse();
  const offset = filter.offset ?? 0;
  return trades.slice(offset, filter.take === undefined ? undefined : offset + filter.take);
}

/** Trades of past sessions in [from, to] (default: the day before the current session), one page. */
export function pastTrades(
  security: Security,
  args: { from?: number | undefined; to?: number | undefined; limit: number; offset?: number | undefined },
  nowSeconds: number,
) {
  const sessionStart = sessionStartSeconds(nowSeconds);
  const to = Math.min(args.to ?? sessionStart - 1, sessionStart - 1);
  const from = args.from ?? to - 86_400;
  const first = Math.ceil(from / TRADE_SPACING) * TRADE_SPACING;
  const total = to >= first ? Math.floor((to - first) / TRADE_SPACING) + 1 : 0;
  const offset = args.offset ?? 0;
  const size = Math.max(0, Math.min(args.limit, total - offset));
  return {
    total,
    list: Array.from({ length: size }, (_, i) => tradeAt(security, first + (offset + i) * TRADE_SPACING)),
  };
}
