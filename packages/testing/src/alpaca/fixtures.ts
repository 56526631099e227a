/**
 * Static reference data: the simulator's tradable assets with a reference price each, the markets its
 * clock and calendar know, and stable UUIDs so ids stay the same from run to run.
 */
import { createHash } from "node:crypto";

export interface AssetFixture {
  symbol: string;
  name: string;
  exchange: string;
  class: "us_equity" | "crypto";
  /** Reference price the order book fills market orders at and market data is generated around. */
  price: number;
}

export const ASSETS: readonly AssetFixture[] = [
  { symbol: "AAPL", name: "Apple Inc. Common Stock", exchange: "NASDAQ", class: "us_equity", price: 189.5 },
  { symbol: "MSFT", name: "Microsoft Corporation Common Stock", exchange: "NASDAQ", class: "us_equity", price: 410.2 },
  { symbol: "NVDA", name: "NVIDIA Corporation Common Stock", exchange: "NASDAQ", class: "us_equity", price: 880.3 },
  { symbol: "TSLA", name: "Tesla, Inc. Common Stock", exchange: "NASDAQ", class: "us_equity", price: 245.1 },
  {
    symbol: "IBM",
    name: "International Business Machines Corporation",
    exchange: "NYSE",
    class: "us_equity",
    price: 187.4,
  },
  { symbol: "SPY", name: "SPDR S&P 500 ETF Trust", exchange: "ARCA", class: "us_equity", price: 510.7 },
  // Alpaca lists crypto pairs on exchange "CRYPTO", a value its spec's Exchange enum lacks: a live example of
  // an additive enum value that clients must tolerate.
  { symbol: "BTC/USD", name: "Bitcoin / US Dollar", exchange: "CRYPTO", class: "crypto", price: 64250 },
  { symbol: "ETH/USD", name: "Ethereum / US Dollar", exchange: "CRYPTO", class: "crypto", price: 3150 },
];

/** A UUID-shaped id derived from a seed, so fixtures keep their ids across runs. */
export function stableUuid(seed: string): string {
  const hex = createHash("sha1").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const assetId = (symbol: string): string => stableUuid(`asset:${symbol}`);

export function findAsset(symbolOrId: string): AssetFixture | undefined {
  const wanted = symbolOrId.toUpperCase();
  return ASSETS.find(
    (a) => a.symbol === wanted || a.symbol.replace("/", "") === wanted || assetId(a.symbol) === symbolOrId,
  );
}

/** The Asset body Alpaca returns for a fixture. */
export function assetBody(asset: AssetFixture): Record<string, unknown> {
  const equity = asset.class === "us_equity";
  return {
    id: assetId(asset.symbol),
    class: asset.class,
    exchange: asset.exchange,
    symbol: asset.symbol,
    name: asset.name,
    status: "active",
    tradable: true,
    marginable: equity,
    shortable: equity,
    easy_to_borrow: equity,
    fractionable: true,
    maintenance_margin_requirement: equity ? 30 : 100,
    margin_requirement_long: equity ? "30" : "100",
    margin_requirement_short: equity ? "100" : "100",
    min_order_size: equity ? undefined : "0.0001",
    min_trade_increment: equity ? undefined : "0.0001",
    price_increment: equity ? undefined : "1",
    attributes: equity ? ["fractional_eh_enabled", "has_options"] : [],
  };
}

export interface MarketFixture {
  acronym: string;
  name: string;
  timezone: string;
  mic: string;
}

const NYSE: MarketFixture = {
  acronym: "NYSE",
  name: "New York Stock Exchange",
  timezone: "America/New_York",
  mic: "XNYS",
};
const NASDAQ: MarketFixture = { acronym: "NASDAQ", name: "Nasdaq", timezone: "America/New_York", mic: "XNAS" };

/** The market codes of /v3/clock and /v3/calendar/{market} the simulator answers for (US equities). */
export const MARKETS: Readonly<Record<string, MarketFixture>> = { NYSE, XNYS: NYSE, NASDAQ, XNAS: NASDAQ };
