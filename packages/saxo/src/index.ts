export * from "./generated/index.js";
// Hand-written modules (not generated): the PKCE login and the streaming hand-off.
export {
  completeSaxoLogin,
  type SaxoLogin,
  type SaxoLoginCallback,
  type SaxoLoginCredentials,
  type SaxoLoginOptions,
  startSaxoLogin,
} from "./login.js";
export {
  createStreamingConnection,
  type StreamingConnection,
  type StreamingConnectionOptions,
} from "./streaming.js";
