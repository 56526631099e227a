export {
  type EventId,
  EventStream,
  EventStreamError,
  type EventStreamOptions,
  type ReconnectInfo,
} from "./broker/event-stream.js";
export {
  type AccountStatusEvent,
  type AccountStatusEventsQuery,
  streamAccountStatusEvents,
  streamTradeEvents,
  streamTradeEventsV1,
  type TradeEvent,
  type TradeEventsQuery,
  type TradeEventsV1Query,
  type TradeEventV1,
} from "./broker/events.js";
// Hand-written extras of the Broker API (see each module's header).
export {
  type AccountOrder,
  type CreateAccountOrderRequest,
  submitAccountOrder,
} from "./broker/submit-account-order.js";
export * from "./generated/broker/index.js";
export {
  OrderReconciliationError,
  type SubmitOrderOptions,
  type SubmittedOrder,
} from "./shared/order-reconciliation.js";
