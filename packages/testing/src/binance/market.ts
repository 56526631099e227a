/** Market data the simulator serves: a few symbols with deterministic books, trades, bars and prices. */

export interface SimSymbol {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  price: number;
}

export const SYMBOLS: readonly SimSymbol[] = [
  { symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", price: 65_000 },
  { symbol: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", price: 3_200 },
  { symbol: "BNBBTC", baseAsset: "BNB", quoteAsset: "BTC", price: 0.009 },
];

export function findSymbol(name: string | null): SimSymbol | undefined {
  return SYMBOLS.find((s) => s.symbol === name);
}

export function orderBook(symbol: SimSymbol, depth: number) {
  const level = (i: number, side: 1 | -1) => [
    (symbol.price * (1 + side * 0.0001 * (i + 1))).toFixed(8),
    (1 + i * 0.5).toFixed(8),
  ];
  return {
    lastUpdateId: 1_000_000,
    bids: Array.from({ length: depth }, (_, i) => level(i, -1)),
    asks: Array.from({ length: depth }, (_, i) => level(i, 1)),
  };
}

export function recentTrades(symbol: SimSymbol, count: number, now: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: 28_000 + i,
    price: symbol.price.toFixed(8),
    qty: "0.50000000",
    quoteQty: (symbol.price / 2).toFixed(8),
    time: now - (count - i) * 1000,
    isBuyerMaker: i % 2 === 0,
    isBestMatch: true,
  }));
}

const INTERVAL_MS: Record<string, number> = {
  "1s": 1_000,
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
  "3d": 259_200_000,
  "1w": 604_800_000,
  "1M": 2_592_000_000,
};

export function klines(symbol: SimSymbol, interval: string, count: number, now: number): unknown[][] | undefined {
  const length = INTERVAL_MS[interval];
  if (length === undefined) return undefined;
  const last = Math.floor(now / length) * length;
  const price = symbol.price.toFixed(8);
  return Array.from({ length: count }, (_, i) => {
    const open = last - (count - 1 - i) * length;
    return [open, price, price, price, price, "10.00000000", open + length - 1, "0", 10, "5.00000000", "0", "0"];
  });
}
