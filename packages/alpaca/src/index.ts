export * from "./broker.js";
export * from "./market-data.js";
export * from "./trading.js";
