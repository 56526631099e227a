/**
 * The features whose code the broker packages load with `import()` on first use (`require()` in their
 * CommonJS build): Saxo's login completion and streaming hand-off, Alpaca's event-stream connection loop.
 * test/lazy-modules.test.ts runs them from a code-split ESM bundle (clients/split-runner.mjs) and with
 * `require` (clients/lazy-cjs.cjs); either way the lazily loaded code must load and run. CommonJS, so
 * that one file serves both. `sdk` holds `saxo` and `alpaca` as the runner loaded them.
 */
"use strict";
const { alpacaServers, alpacaTradingClient, check, saxoLogin } = require("./scenarios.cjs");

async function saxo(sdk, sim) {
  const credentials = await saxoLogin(sdk, sim);
  check(credentials.refreshToken, "Saxo login gives a refresh token");
  const client = sdk.saxo.createSaxoClient({ environment: "sim", servers: sim.servers, credentials });
  const connection = await sdk.saxo.createStreamingConnection(client, { contextId: "lazy-modules" });
  connection.close();
  check(connection.url.startsWith("ws") && connection.url.endsWith("contextId=lazy-modules"), "Saxo connect URL");
  check(connection.authorization === `Bearer ${credentials.accessToken}`, "Saxo streaming token");
  check(connection.cookie !== "", "Saxo streaming cookies from the REST jar");
  return "login, streaming hand-off";
}

async function alpaca(sdk, sim) {
  const trading = alpacaTradingClient(sdk.alpaca.createTradingClient, sim);
  const placed = await trading.POST("/v2/orders", {
    body: { symbol: "AAPL", qty: "1", side: "buy", type: "market", time_in_force: "day" },
  });
  check(placed.data?.id, "Alpaca order placed");
  const broker = sdk.alpaca.createBrokerClient({
    environment: "broker-sandbox",
    servers: alpacaServers(sim),
    credentials: { username: sim.brokerKey, password: sim.brokerSecret },
  });
  const events = [];
  const stream = sdk.alpaca.streamTradeEvents(broker, { since: new Date().toISOString().slice(0, 10) });
  for await (const event of stream) {
    events.push(event);
    if (events.length === 2) break;
  }
  check(
    events.every((event) => event.order?.id === placed.data.id),
    "Alpaca trade events are the order's",
  );
  return `event stream: ${events.map((event) => event.event).join(", ")}`;
}

/** Both brokers, one after the other; never throws: the outcome is data. */
async function run(sdk, config) {
  try {
    return { ok: true, summary: `${await saxo(sdk, config.saxo)}; ${await alpaca(sdk, config.alpaca)}` };
  } catch (error) {
    const name = error?.name ? error.name : "Error";
    return { ok: false, error: `${name}: ${error?.message ? error.message : String(error)}` };
  }
}

module.exports = { run };
