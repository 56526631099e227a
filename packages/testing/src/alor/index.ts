export { type AlorSimUser, DEFAULT_ALOR_USER } from "./accounts.js";
export { SECURITIES as ALOR_SIM_SECURITIES } from "./catalogue.js";
export type { Order as AlorSimOrder, Security as AlorSimSecurity, StopOrder as AlorSimStopOrder } from "./shapes.js";
export {
  type AlorOperationId,
  type AlorSimCounters,
  type AlorSimulator,
  type AlorSimulatorOptions,
  type ResponseMatcher,
  startAlorSimulator,
} from "./simulator.js";
export type { AlorWsCounters } from "./streaming/counters.js";
export type { AlorWsSubscription } from "./streaming/data-socket.js";
export { MIN_FREQUENCY_MS as ALOR_WS_MIN_FREQUENCY_MS, type WsFormat as AlorWsFormat } from "./streaming/formats.js";
export type { AlorWsControls } from "./streaming/server.js";
