export { type BrokerFailure, BrokerFailures } from "./broker-failures.js";
export {
  type ApiChanges,
  BreakingChangesError,
  type BrokerChanges,
  type Bump,
  classifySpecChange,
  documentsOf,
  type SpecChange,
  type SpecDocuments,
} from "./changes/index.js";
export { type DriftOptions, drift } from "./drift/drift.js";
export { renderReport as renderDriftReport } from "./drift/render.js";
export type { Difference, DriftClass, DriftCode, DriftReport, StaleEntry } from "./drift/types.js";
export { CodegenError, CodegenErrors, type SourceLocation } from "./errors.js";
export { type BrokerReport, discoverBrokers, type GenerateOptions, generate } from "./generate.js";
export { type LoadedManifest, loadManifest } from "./manifest/load.js";
export { normalizeApi } from "./manifest/normalize.js";
export type { Manifest } from "./manifest/types.js";
export { type LoadedSpec, loadSpec } from "./spec/load.js";
export { extractOperations } from "./spec/operations.js";
export { type AsyncApiChannel, type LoadedAsyncApi, loadAsyncApi } from "./stream/asyncapi.js";
