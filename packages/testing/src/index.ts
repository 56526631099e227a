export * from "./jwt.js";
export * from "./server.js";
