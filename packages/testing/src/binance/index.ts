export {
  BINANCE_SIMULATOR_DEFAULTS,
  type BinanceSimulator,
  type BinanceSimulatorOptions,
  type SignedCallRecord,
  type SimOrder,
  startBinanceSimulator,
} from "./simulator.js";
export type { WeightWindow } from "./weight-limiter.js";
