// The WebSocket streams (market data and trade updates). A separate entry, so that REST users need not
// install @brokerkit/stream (an optional peer dependency).

export {
  AlpacaConnectionLimitError,
  AlpacaInsufficientSubscriptionError,
  AlpacaStreamAuthError,
  AlpacaStreamError,
  AlpacaSymbolLimitError,
} from "@brokerkit/stream/alpaca";
export * from "./generated/data-stream/index.js";
export * from "./generated/trading-stream/index.js";
export {
  ALPACA_FEEDS,
  type AlpacaFeed,
  type AlpacaMarketDataStreamOptions,
  type AlpacaStreamOptions,
  alpacaMarketDataStream,
  alpacaTradingStream,
} from "./streams/shared-streams.js";
