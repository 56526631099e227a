/** Data-socket opcodes for market data: quotes, order book, bars, anonymous trades and instrument parameters. */
import { timeframeSeconds } from "../market-data.js";
import type { Feed, FeedOpener, FeedRequest } from "./feed.js";
import { barsSince, instrumentInfo, lastTrades, liveBook, liveQuote, tradesAfter } from "./market-feed.js";
import { instrumentField, optionalBoolean, optionalInteger, optionalString } from "./message-fields.js";

const seconds = (ms: number) => Math.floor(ms / 1000);
/** The model's anonymous trades come every 30 s (market-data.ts); look for new ones only then. */
const TRADE_SPACING_S = 30;

const quotes: FeedOpener = ({ message, exchange, now }) => {
  const security = instrumentField(message, exchange);
  const start = now.getTime();
  return {
    kind: "quote",
    snapshot: [liveQuote(security, start)],
    tick: (nowMs) => [liveQuote(security, nowMs)],
    sample: (i) => liveQuote(security, start + i + 1),
  };
};

const orderBook: FeedOpener = ({ message, exchange, now }) => {
  const security = instrumentField(message, exchange);
  const depth = optionalInteger(message, "depth", { min: 1, max: 50 }) ?? 20;
  const start = now.getTime();
  return {
    kind: "book",
    snapshot: [liveBook(security, depth, start, true)],
    tick: (nowMs) => [liveBook(security, depth, nowMs, false)],
    sample: (i) => liveBook(security, depth, start + i + 1, false),
  };
};

function timeframeOf(message: FeedRequest["message"]): number {
  const tf = message.tf;
  if (typeof tf === "number" && Number.isSafeInteger(tf) && tf > 0) return tf;
  return timeframeSeconds(optionalString(message, "tf") ?? "");
}

const bars: FeedOpener = ({ message, exchange, now }) => {
  const security = instrumentField(message, exchange);
  const tf = timeframeOf(message);
  const nowSeconds = seconds(now.getTime());
  const from = optionalInteger(message, "from", { min: 0 }) ?? nowSeconds;
  optionalBoolean(message, "splitAdjust");
  const history = optionalBoolean(message, "skipHistory") ? [] : barsSince(security, tf, from, nowSeconds);
  // The bar sent last; the next tick sends every bar that began after it (the current one with skipHistory).
  let lastBar = history.at(-1)?.time ?? Math.floor(nowSeconds / tf) * tf - tf;
  return {
    kind: "bar",
    snapshot: history,
    tick: (nowMs) => {
      const current = Math.floor(seconds(nowMs) / tf) * tf;
      if (current <= lastBar) return [];
      const fresh = barsSince(security, tf, lastBar + tf, seconds(nowMs));
      lastBar = current;
      return fresh;
    },
    sample: (i) => barsSince(security, tf, lastBar - i * tf, lastBar - i * tf)[0] ?? { time: lastBar - i * tf },
  };
};

const allTrades: FeedOpener = ({ message, exchange, now }) => {
  const security = instrumentField(message, exchange);
  const depth = optionalInteger(message, "depth", { min: 0, max: 5000 }) ?? 0;
  optionalBoolean(message, "includeVirtualTrades");
  const nowSeconds = seconds(now.getTime());
  const latest = lastTrades(security, 1, nowSeconds)[0];
  let lastId = latest ? (latest.id as number) : 0;
  let lastSlot = Math.floor(nowSeconds / TRADE_SPACING_S);
  return {
    kind: "allTrade",
    snapshot: depth ? lastTrades(security, depth, nowSeconds) : [],
    tick: (nowMs) => {
      const slot = Math.floor(seconds(nowMs) / TRADE_SPACING_S);
      if (slot === lastSlot) return [];
      lastSlot = slot;
      const fresh = tradesAfter(security, lastId, seconds(nowMs), false);
      lastId = (fresh.at(-1)?.id as number | undefined) ?? lastId;
      return fresh;
    },
    sample: (i) => ({ ...(latest ?? {}), id: lastId + i + 1, existing: false }),
  };
};

const instruments: FeedOpener = ({ message, exchange }): Feed => {
  const info = instrumentInfo(instrumentField(message, exchange));
  return { kind: "instrument", snapshot: [info], sample: () => info };
};

export const MARKET_CHANNELS: Readonly<Record<string, FeedOpener>> = {
  QuotesSubscribe: quotes,
  OrderBookGetAndSubscribe: orderBook,
  BarsGetAndSubscribe: bars,
  AllTradesGetAndSubscribe: allTrades,
  InstrumentsGetAndSubscribeV2: instruments,
};
