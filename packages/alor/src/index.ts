export * from "./generated/index.js";
// Hand-written helpers beside the generated client.
export {
  type AlorSecurity,
  type SecuritiesFilter,
  type SecuritiesPage,
  type SecuritiesPagesEnd,
  type SecuritiesPagesOptions,
  type SecuritiesSearchResult,
  searchAllSecurities,
  securitiesPages,
} from "./securities.js";
export { type CallResult, unwrap } from "./unwrap.js";
