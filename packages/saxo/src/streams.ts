export * from "./generated/streaming/index.js";
