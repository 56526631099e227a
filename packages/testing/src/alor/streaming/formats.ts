/**
 * ALOR's three WebSocket data formats. The feeds produce every item in the Simple shape (the REST
 * simulator's shapes); this file renames it to Slim (short keys) or Heavy (camelCase, without the
 * legacy duplicates). Key names follow ALOR's Warp spec, components response_*_Slim and *_Heavy.
 */

export type WsFormat = "Simple" | "Slim" | "Heavy";
export const WS_FORMATS: readonly WsFormat[] = ["Simple", "Slim", "Heavy"];

/** The smallest push interval each format allows; a lower `frequency` is raised to it. */
export const MIN_FREQUENCY_MS: Record<WsFormat, number> = { Simple: 25, Slim: 10, Heavy: 500 };
/** The interval used when a subscription names none. */
export const DEFAULT_FREQUENCY_MS = 175;

export type DataKind =
  | "quote"
  | "book"
  | "bar"
  | "allTrade"
  | "instrument"
  | "order"
  | "stopOrder"
  | "trade"
  | "position"
  | "summary"
  | "risk"
  | "fortsRisk";

type Item = Record<string, unknown>;
/** [Simple key, new key, map for a nested object or array of objects]. Keys absent from the item are skipped. */
type KeyMap = readonly (readonly [string, string, KeyMap?])[];

function mapKeys(value: unknown, map: KeyMap): unknown {
  if (Array.isArray(value)) return value.map((element) => mapKeys(element, map));
  if (!value || typeof value !== "object") return value;
  const source = value as Item;
  const out: Item = {};
  for (const [from, to, nested] of map) {
    if (from in source) out[to] = nested ? mapKeys(source[from], nested) : source[from];
  }
  return out;
}

function omit(item: Item, keys: readonly string[]): Item {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !keys.includes(key)));
}

function rename(item: Item, renames: Readonly<Record<string, string>>): Item {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [renames[key] ?? key, value]));
}

const ICEBERG: KeyMap = [
  ["creationFixedQuantity", "cf"],
  ["creationVarianceQuantity", "cv"],
  ["visibleQuantity", "v"],
  ["visibleQuantityBatch", "vb"],
  ["visibleFilledQuantity", "vf"],
  ["visibleFilledQuantityBatch", "vfb"],
];
const REPO: KeyMap = [
  ["repoRate", "r"],
  ["extRef", "exr"],
  ["repoTerm", "tm"],
  ["account", "a"],
  ["tradeTypeInfo", "t"],
  ["value", "v"],
  ["yield", "y"],
];
const BOOK_LEVEL: KeyMap = [
  ["price", "p"],
  ["volume", "v"],
  ["yield", "y"],
];

const SLIM: Record<DataKind, KeyMap> = {
  quote: [
    ["symbol", "sym"],
    ["exchange", "ex"],
    ["description", "desc"],
    ["last_price_timestamp", "tst"],
    ["ob_ms_timestamp", "tso"],
    ["open_price", "o"],
    ["high_price", "h"],
    ["low_price", "l"],
    ["last_price", "c"],
    ["volume", "v"],
    ["accruedInt", "acci"],
    ["open_interest", "oi"],
    ["yield", "y"],
    ["ask", "ask"],
    ["bid", "bid"],
    ["ask_vol", "av"],
    ["bid_vol", "bv"],
    ["total_bid_vol", "tbv"],
    ["total_ask_vol", "tav"],
    ["lotsize", "lot"],
    ["lotvalue", "lotv"],
    ["facevalue", "fv"],
    ["type", "t"],
  ],
  book: [
    ["bids", "b", BOOK_LEVEL],
    ["asks", "a", BOOK_LEVEL],
    ["ms_timestamp", "t"],
    ["existing", "h"],
  ],
  bar: [
    ["time", "t"],
    ["close", "c"],
    ["open", "o"],
    ["high", "h"],
    ["low", "l"],
    ["volume", "v"],
  ],
  allTrade: [
    ["id", "id"],
    ["symbol", "sym"],
    ["board", "bd"],
    ["qty", "q"],
    ["price", "px"],
    ["timestamp", "t"],
    ["side", "s"],
    ["oi", "oi"],
    ["existing", "h"],
  ],
  instrument: [
    ["symbol", "sym"],
    ["exchange", "ex"],
    ["board", "bd"],
    ["tradingStatus", "st"],
    ["tradingStatusInfo", "sti"],
    ["priceMin", "pxmn"],
    ["priceMax", "pxmx"],
    ["marginBuy", "mgb"],
    ["marginSell", "mgs"],
    ["marginSyntetic", "mgsnt"],
    ["theorPrice", "pxt"],
    ["theorPriceLimit", "pxtl"],
    ["volatility", "vl"],
  ],
  order: [
    ["id", "id"],
    ["symbol", "sym"],
    ["board", "bd"],
    ["brokerSymbol", "tic"],
    ["portfolio", "p"],
    ["exchange", "ex"],
    ["comment", "cmt"],
    ["type", "t"],
    ["side", "s"],
    ["status", "st"],
    ["transTime", "tt"],
    ["updateTime", "ut"],
    ["endTime", "et"],
    ["qtyUnits", "q"],
    ["qtyBatch", "qb"],
    ["filledQtyUnits", "fq"],
    ["filledQtyBatch", "fqb"],
    ["price", "px"],
    ["existing", "h"],
    ["timeInForce", "tf"],
    ["iceberg", "i", ICEBERG],
    ["volume", "v"],
  ],
  stopOrder: [
    ["id", "id"],
    ["exchangeOrderId", "eid"],
    ["symbol", "sym"],
    ["brokerSymbol", "tic"],
    ["portfolio", "p"],
    ["exchange", "ex"],
    ["comment", "cmt"],
    ["board", "bd"],
    ["type", "t"],
    ["side", "s"],
    ["condition", "cnd"],
    ["status", "st"],
    ["transTime", "tt"],
    ["updateTime", "ut"],
    ["endTime", "et"],
    ["error", "err"],
    ["qtyUnits", "q"],
    ["qtyBatch", "qb"],
    ["filledQtyUnits", "fq"],
    ["filledQtyBatch", "fqb"],
    ["price", "px"],
    ["avg_price", "pxavg"],
    ["stopPrice", "pxs"],
    ["existing", "h"],
    ["timeInForce", "tf"],
    ["iceberg", "i", ICEBERG],
    ["volume", "v"],
    ["protectingSeconds", "psec"],
  ],
  trade: [
    ["id", "id"],
    ["orderno", "eid"],
    ["comment", "cmt"],
    ["symbol", "sym"],
    ["brokerSymbol", "tic"],
    ["exchange", "ex"],
    ["date", "d"],
    ["board", "b"],
    ["qtyUnits", "q"],
    ["qtyBatch", "qb"],
    ["price", "px"],
    ["accruedInt", "ai"],
    ["side", "s"],
    ["existing", "h"],
    ["commission", "cms"],
    ["repoSpecificFields", "r", REPO],
    ["volume", "v"],
  ],
  position: [
    ["volume", "v"],
    ["currentVolume", "cv"],
    ["symbol", "sym"],
    ["brokerSymbol", "tic"],
    ["portfolio", "p"],
    ["exchange", "ex"],
    ["avgPrice", "pxavg"],
    ["qtyUnits", "q"],
    ["openUnits", "o"],
    ["lotSize", "lot"],
    ["shortName", "n"],
    ["qtyT0", "q0"],
    ["qtyT1", "q1"],
    ["qtyT2", "q2"],
    ["qtyTFuture", "qf"],
    ["dailyUnrealisedPl", "upd"],
    ["unrealisedPl", "up"],
    ["isCurrency", "cur"],
    ["existing", "h"],
  ],
  summary: [
    ["buyingPowerAtMorning", "bpm"],
    ["buyingPower", "bp"],
    ["profit", "p"],
    ["profitRate", "pr"],
    ["portfolioEvaluation", "pe"],
    ["portfolioLiquidationValue", "plv"],
    ["initialMargin", "im"],
    ["correctedMargin", "mgc"],
    ["riskBeforeForcePositionClosing", "r"],
    ["commission", "cms"],
    [
      "buyingPowerByCurrency",
      "bpv2",
      [
        ["currency", "cr"],
        ["buyingPower", "bp"],
      ],
    ],
  ],
  risk: [
    ["portfolio", "p"],
    ["exchange", "ex"],
    ["portfolioEvaluation", "pe"],
    ["portfolioLiquidationValue", "plv"],
    ["initialMargin", "mgi"],
    ["minimalMargin", "mgmn"],
    ["correctedMargin", "mgc"],
    ["riskCoverageRatioOne", "r1"],
    ["riskCoverageRatioTwo", "r2"],
    ["riskCategoryId", "rid"],
    ["clientType", "ct"],
    ["hasForbiddenPositions", "fpos"],
    ["hasNegativeQuantity", "nq"],
    ["riskStatus", "rst"],
    ["calculationTime", "t"],
  ],
  fortsRisk: [
    ["portfolio", "p"],
    ["moneyFree", "f"],
    ["moneyBlocked", "b"],
    ["fee", "fee"],
    ["moneyOld", "o"],
    ["moneyAmount", "a"],
    ["moneyPledgeAmount", "pa"],
    ["vmInterCl", "mgc"],
    ["vmCurrentPositions", "mgp"],
    ["indicativeVarMargin", "ivm"],
    ["netOptionValue", "nov"],
    ["posRisk", "pr"],
    ["isLimitsSet", "lim"],
  ],
};

const HEAVY_QUOTE: KeyMap = [
  ["symbol", "symbol"],
  ["exchange", "exchange"],
  ["description", "description"],
  ["currency", "currency"],
  ["prev_close_price", "prevClosePrice"],
  ["last_price", "lastPrice"],
  ["last_price_timestamp", "lastPriceTimestamp"],
  ["high_price", "highPrice"],
  ["low_price", "lowPrice"],
  ["accruedInt", "accruedInterest"],
  ["volume", "volume"],
  ["open_interest", "openInterest"],
  ["ask", "ask"],
  ["bid", "bid"],
  ["ask_vol", "askVol"],
  ["bid_vol", "bidVol"],
  ["ob_ms_timestamp", "obMsTimestamp"],
  ["open_price", "openPrice"],
  ["yield", "yield"],
  ["lotsize", "lotSize"],
  ["lotvalue", "lotValue"],
  ["facevalue", "faceValue"],
  ["type", "type"],
  ["total_bid_vol", "totalBidVol"],
  ["total_ask_vol", "totalAskVol"],
  ["change", "change"],
  ["change_percent", "changePercent"],
];

const HEAVY: Partial<Record<DataKind, (item: Item) => Item>> = {
  quote: (item) => mapKeys(item, HEAVY_QUOTE) as Item,
  book: (item) => ({ bids: item.bids, asks: item.asks, msTimestamp: item.ms_timestamp, existing: item.existing }),
  allTrade: (item) => omit(item, ["orderno"]),
  order: (item) => omit(item, ["qty", "filled"]),
  stopOrder: (item) => rename(omit(item, ["qty", "filled"]), { avg_price: "avgPrice" }),
  trade: (item) => ({ ...rename(item, { orderno: "orderNo" }), settleDate: item.date }),
  position: (item) => omit(item, ["qtyBatch", "qty", "open"]),
  fortsRisk: (item) => omit(item, ["balanceMoney"]),
};

/** Fields a feed adds for Heavy only; Simple has no place for them. */
const SIMPLE_OMIT: Partial<Record<DataKind, readonly string[]>> = { quote: ["currency"] };

/** One item of a feed, in the subscriber's format. */
export function inFormat(kind: DataKind, format: WsFormat, item: Item): Item {
  if (format === "Slim") return mapKeys(item, SLIM[kind]) as Item;
  if (format === "Heavy") return HEAVY[kind]?.(item) ?? item;
  const extra = SIMPLE_OMIT[kind];
  return extra ? omit(item, extra) : item;
}
