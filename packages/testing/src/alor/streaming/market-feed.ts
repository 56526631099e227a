/**
 * The market as the data socket streams it, built on the REST simulator's market data. Prices stay at
 * each instrument's reference levels, so a streamed best bid/ask is exactly what a REST order fills at;
 * what moves is the resting volume, a deterministic function of the instrument and the 100 ms slot of
 * the clock (same instrument and time, same numbers).
 */

import { candles, noise, orderBook, quote, sessionTrades } from "../market-data.js";
import type { Security } from "../shapes.js";

/** The market model's time resolution: volumes change once per slot. */
const SLOT_MS = 100;

const volumeAt = (key: string, nowMs: number) => 1 + Math.floor(noise(`${key}:${Math.floor(nowMs / SLOT_MS)}`) * 500);

/** A quote in the Simple shape, plus `currency` for Heavy. */
export function liveQuote(security: Security, nowMs: number): Record<string, unknown> {
  return {
    ...quote(security, nowMs),
    ask_vol: volumeAt(`askv:${security.symbol}`, nowMs),
    bid_vol: volumeAt(`bidv:${security.symbol}`, nowMs),
    currency: security.currency,
  };
}

/** A full order book of `depth` levels a side, in the Simple shape. */
export function liveBook(security: Security, depth: number, nowMs: number, existing: boolean) {
  const book = orderBook(security, depth, nowMs);
  const vary = (side: string) => (level: { price: number }, i: number) => ({
    price: level.price,
    volume: volumeAt(`${side}:${security.symbol}:${i}`, nowMs),
  });
  return { ...book, bids: book.bids.map(vary("bid")), asks: book.asks.map(vary("ask")), existing };
}

/** The trading parameters InstrumentsGetAndSubscribeV2 streams, in the Simple shape. */
export function instrumentInfo(security: Security): Record<string, unknown> {
  return {
    symbol: security.symbol,
    exchange: security.exchange,
    board: security.board,
    tradingStatus: security.tradingStatus,
    tradingStatusInfo: security.tradingStatusInfo,
    priceMin: security.priceMin,
    priceMax: security.priceMax,
    marginBuy: security.marginbuy,
    marginSell: security.marginsell,
    marginSyntetic: 0,
    theorPrice: security.theorPrice,
    theorPriceLimit: security.theorPriceLimit,
    volatility: security.volatility,
  };
}

/** Bars of `tfSeconds` from `fromSeconds` through the current one (the REST history's candles). */
export function barsSince(security: Security, tfSeconds: number, fromSeconds: number, nowSeconds: number) {
  return candles(security, { tf: tfSeconds, from: fromSeconds, to: nowSeconds, nowSeconds }).history;
}

/** Anonymous trades of the session with an id above `afterId`, oldest first, flagged as history or not. */
export function tradesAfter(security: Security, afterId: number, nowSeconds: number, existing: boolean) {
  return sessionTrades(security, { fromId: afterId + 1 }, nowSeconds).map((trade) => ({ ...trade, existing }));
}

/** The last `count` anonymous trades of the session, oldest first. */
export function lastTrades(security: Security, count: number, nowSeconds: number) {
  const all = sessionTrades(security, {}, nowSeconds);
  return all.slice(Math.max(0, all.length - count)).map((trade) => ({ ...trade, existing: true }));
}
