export {
  ALPACA_SIMULATOR_DEFAULTS,
  type AlpacaSimulator,
  type AlpacaSimulatorCounters,
  type AlpacaSimulatorOptions,
  type AlpacaStreamControls,
  type AlpacaStreamCounters,
  type AlpacaStreamOptions,
  type DropMatcher,
  type LegacyClockMode,
  type LegacyStreamMode,
  type SimOrder,
  startAlpacaSimulator,
} from "./simulator.js";
export { isUlid } from "./ulid.js";
