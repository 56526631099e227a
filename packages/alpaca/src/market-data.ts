export * from "./generated/market-data/index.js";
// Hand-written extras of the Market Data API (see the module's header).
export {
  type CryptoBar,
  type NewsArticle,
  PageLimitError,
  type PageOptions,
  paginate,
  paginateCryptoBars,
  paginateNews,
  paginateStockBars,
  paginateSymbolBars,
  type StockBar,
  type SymbolBar,
} from "./market-data/pagination.js";
