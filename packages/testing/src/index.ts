export * from "./fault-proxy.js";
export * from "./jwt.js";
export * from "./prism.js";
export * from "./server.js";
