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
