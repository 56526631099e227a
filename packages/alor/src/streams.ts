// The generated WebSocket streams (data and command sockets). A separate entry, so that REST users
// need not install @brokerkit/stream (an optional peer dependency).
export * from "./generated/commands/index.js";
export * from "./generated/data/index.js";
