/**
 * Wire shapes the ALOR simulator answers with: ALOR's `Simple` format, field names exactly as ALOR's
 * (see specs/alor/warp.yaml). Hand-written so the test harness does not depend on generated code.
 */
export type Exchange = "MOEX" | "SPBX";
export type Side = "buy" | "sell";
export type OrderStatus = "working" | "filled" | "canceled" | "rejected";
export type TimeInForce =
  | "oneday"
  | "immediateorcancel"
  | "fillorkill"
  | "attheclose"
  | "goodtillcancelled"
  | "bookorcancel";
export type StopCondition = "more" | "less" | "moreorequal" | "lessorequal";
export type ExecutionPolicy = "OnExecuteOrCancel" | "IgnoreCancel" | "TriggerBracketOrders";

export const EXCHANGES: readonly Exchange[] = ["MOEX", "SPBX"];
export const SIDES: readonly Side[] = ["buy", "sell"];
export const TIME_IN_FORCE: readonly TimeInForce[] = [
  "oneday",
  "immediateorcancel",
  "fillorkill",
  "attheclose",
  "goodtillcancelled",
  "bookorcancel",
];
export const STOP_CONDITIONS: readonly StopCondition[] = ["more", "less", "moreorequal", "lessorequal"];
export const EXECUTION_POLICIES: readonly ExecutionPolicy[] = [
  "OnExecuteOrCancel",
  "IgnoreCancel",
  "TriggerBracketOrders",
];

export interface Security {
  symbol: string;
  shortname: string;
  description: string;
  exchange: Exchange;
  market: string;
  type: string | null;
  lotsize: number;
  facevalue: number;
  cfiCode: string;
  cancellation: string;
  minstep: number;
  rating: number;
  marginbuy: number;
  marginsell: number;
  marginrate: number;
  pricestep: number;
  priceMax: number;
  priceMin: number;
  theorPrice: number;
  theorPriceLimit: number;
  volatility: number;
  currency: string | null;
  ISIN: string | null;
  yield: number | null;
  board: string;
  primary_board: string;
  tradingStatus: number;
  tradingStatusInfo: string | null;
  complexProductCategory: string | null;
  priceMultiplier: number;
  priceShownUnits: number;
}

export interface Position {
  volume: number;
  currentVolume: number;
  symbol: string;
  brokerSymbol: string;
  portfolio: string;
  exchange: Exchange;
  avgPrice: number;
  qtyUnits: number;
  openUnits: number;
  lotSize: number;
  shortName: string;
  qtyT0: number;
  qtyT1: number;
  qtyT2: number;
  qtyTFuture: number;
  qtyT0Batch: number;
  qtyT1Batch: number;
  qtyT2Batch: number;
  qtyTFutureBatch: number;
  qtyBatch: number;
  openQtyBatch: number;
  qty: number;
  open: number;
  dailyUnrealisedPl: number;
  unrealisedPl: number;
  isCurrency: boolean;
  existing: boolean;
}

export interface Order {
  id: string;
  symbol: string;
  board: string;
  brokerSymbol: string;
  portfolio: string;
  exchange: Exchange;
  comment: string | null;
  type: "limit" | "market";
  side: Side;
  status: OrderStatus;
  transTime: string;
  updateTime: string | null;
  endTime: string;
  qtyUnits: number;
  qtyBatch: number;
  qty: number;
  filledQtyUnits: number;
  filledQtyBatch: number;
  filled: number;
  price: number;
  existing: boolean;
  timeInForce: TimeInForce;
  iceberg: null | {
    creationFixedQuantity: number;
    creationVarianceQuantity: number;
    visibleQuantity: number;
    visibleQuantityBatch: number;
    visibleFilledQuantity: number;
    visibleFilledQuantityBatch: number;
  };
  volume: number | null;
}

export interface StopOrder {
  id: string;
  exchangeOrderId: string | null;
  symbol: string;
  brokerSymbol: string;
  portfolio: string;
  exchange: Exchange;
  comment: string | null;
  board: string;
  type: "stop" | "stoplimit";
  side: Side;
  condition: StopCondition;
  status: OrderStatus;
  transTime: string;
  updateTime: string | null;
  endTime: string;
  error: string | null;
  qtyUnits: number;
  qtyBatch: number;
  qty: number;
  filled: number;
  filledQtyUnits: number;
  filledQtyBatch: number;
  price: number;
  avg_price: number;
  stopPrice: number;
  existing: boolean;
  timeInForce: TimeInForce;
  iceberg: null;
  volume: number | null;
  protectingSeconds: number;
}

export interface PortfolioTrade {
  id: string;
  orderno: string;
  comment: string | null;
  symbol: string;
  brokerSymbol: string;
  exchange: Exchange;
  date: string;
  board: string;
  qtyUnits: number;
  qtyBatch: number;
  qty: number;
  price: number;
  accruedInt: number;
  side: Side;
  existing: boolean;
  commission: number | null;
  repoSpecificFields: null;
  volume: number;
}

export interface OrderGroup {
  id: string;
  login: string;
  orders: { orderId: string }[];
  executionPolicy: ExecutionPolicy;
  status: "Active" | "Filled" | "Canceled";
  createdAt: string;
  closedAt: string | null;
}
