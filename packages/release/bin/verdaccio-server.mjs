#!/usr/bin/env node
// Runs Verdaccio for `pnpm release` and the end-to-end test: `verdaccio-server.mjs <config.yaml> <ready.json> [port]`.
// Binds 127.0.0.1 only (port 0 = a free one), writes {"url","pid"} to <ready.json> once it listens,
// and stops on SIGTERM or SIGINT.
import { writeFileSync } from "node:fs";
import { runServer } from "verdaccio";

const [configPath, readyFile, port = "0"] = process.argv.slice(2);
if (!configPath || !readyFile) {
  console.error("usage: verdaccio-server.mjs <config.yaml> <ready.json> [port]");
  process.exit(2);
}
const app = await runServer(configPath);
const server = app.listen(Number(port), "127.0.0.1", () => {
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}/`;
  writeFileSync(readyFile, `${JSON.stringify({ url, pid: process.pid })}\n`);
});
server.on("error", (error) => {
  console.error(`verdaccio-server: ${error.message}`);
  process.exit(1);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
