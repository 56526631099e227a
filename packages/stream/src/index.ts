export type {
  Ack,
  ActiveSubscription,
  AdapterSocket,
  ConnectRequest,
  Incoming,
  ProtocolAdapter,
  SubscribeRequest,
} from "./adapter.js";
export { MessageBuffer } from "./buffer.js";
export {
  createStreamClient,
  type StreamClient,
  type StreamClientOptions,
  type SubscribeOptions,
  type Subscription,
} from "./client.js";
export { StreamClosedError, StreamError, StreamOverflowError, StreamRequestError } from "./errors.js";
export type * from "./spec.js";
export { webSocketClass } from "./transport.js";
