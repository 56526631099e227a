export type { SaxoCounters } from "./counters.js";
export { affinityCookieName, EDGE_COOKIE, type ProbeRecord } from "./load-balancer.js";
export type { SaxoTokenResponse } from "./oauth.js";
export type { SaxoSimulatorOptions } from "./options.js";
export type { SimOrder } from "./orders.js";
export {
  type DroppedResponse,
  type RequestMatcher,
  type SaxoSimulator,
  SIM_GATEWAY_PATH,
  SIM_STREAMING_PATH,
  SIM_STREAMINGWS_PATH,
  startSaxoSimulator,
} from "./simulator.js";
export type { StreamingArrival } from "./streaming.js";
export type { SaxoStreamingControls, WsConnectRecord } from "./streaming-ws/host.js";
export type { SimSubscription } from "./subscriptions.js";
