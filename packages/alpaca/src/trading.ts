export * from "./generated/trading/index.js";
// Hand-written extras of the Trading API (see each module's header).
export {
  OrderReconciliationError,
  type OrderRequestFields,
  type SubmitOrderOptions,
  type SubmittedOrder,
} from "./shared/order-reconciliation.js";
export {
  FINAL_ORDER_EVENTS,
  type OrderEvent,
  type OrderEventType,
  type TradeUpdatesSource,
} from "./trading/order-watch.js";
export {
  type CreateOrderRequest,
  findOrderByClientOrderId,
  submitOrder,
  type TradingOrder,
  type TradingSubmitOrderOptions,
  type TradingSubmittedOrder,
} from "./trading/submit-order.js";
export {
  getLegacyCalendar,
  getLegacyClock,
  LEGACY_MARKET,
  type LegacyCalendarDay,
  type LegacyCalendarQuery,
  type LegacyClock,
  type LegacyResult,
  type LegacyRouteOptions,
  legacyCalendarFromV3,
  legacyClockFromV3,
} from "./trading/versioned-routes.js";
