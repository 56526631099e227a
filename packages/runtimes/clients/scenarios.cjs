/**
 * What every cell of the runtime matrix does with each broker: a few real calls a consumer makes,
 * against the simulator the test started. CommonJS so that one file serves every runner: Node's
 * `require` and `import`, Bun, Deno, and the esbuild bundles for workerd and Chromium.
 *
 * `sdk` holds the broker modules as the runner loaded them (`require` or `import`), so the cell
 * proves that entry point. Each scenario returns a one-line summary; any failure throws.
 */
"use strict";

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function alor(sdk, sim) {
  const client = sdk.alor.createAlorClient({
    environment: "test",
    credentials: { refreshToken: sim.refreshToken },
    servers: { api: sim.url, oauth: sim.url },
  });
  const time = await sdk.alor.unwrap(client.GET("/md/v2/time"));
  check(typeof time === "number", "ALOR /md/v2/time returns a number");
  const found = await sdk.alor.unwrap(
    client.GET("/md/v2/Securities", {
      params: { query: { query: "SBER", exchange: "MOEX", limit: 3, format: "Simple" } },
    }),
  );
  check(Array.isArray(found) && found.length > 0, "ALOR finds SBER");
  return `time + ${found.length} securities`;
}

/** Every Alpaca server key on the simulator. */
const alpacaServers = (sim) => ({ trading: sim.url, data: sim.url, broker: sim.url, authx: sim.url });

/** A Trading API client on the simulator, from the `createTradingClient` of the entry the runner loaded. */
function alpacaTradingClient(createTradingClient, sim) {
  return createTradingClient({
    environment: "paper",
    servers: alpacaServers(sim),
    credentials: { keyId: sim.keyId, secretKey: sim.secretKey },
  });
}

async function alpaca(sdk, sim) {
  const trading = alpacaTradingClient(sdk.alpacaTrading.createTradingClient, sim);
  const account = await trading.GET("/v2/account");
  check(account.response.status === 200 && account.data, "Alpaca account answers 200");
  const placed = await trading.POST("/v2/orders", {
    body: { symbol: "AAPL", qty: "1", side: "buy", type: "limit", limit_price: "185", time_in_force: "day" },
  });
  check(placed.response.status === 200 && placed.data && placed.data.id, "Alpaca order placed");
  const orders = await trading.GET("/v2/orders", { params: { query: { status: "open" } } });
  check(
    orders.data?.some((order) => order.id === placed.data.id),
    "Alpaca lists the new order",
  );
  const cancelled = await trading.DELETE("/v2/orders/{order_id}", { params: { path: { order_id: placed.data.id } } });
  check(cancelled.response.status === 204, "Alpaca order cancelled");
  return "account, place, list, cancel";
}

/** Saxo's PKCE login where the runner reads the redirect: the simulator logs in at once and redirects back with a code. */
async function saxoLogin(sdk, sim) {
  const login = sdk.saxo.startSaxoLogin({
    environment: "sim",
    clientId: sim.appKey,
    redirectUri: sim.redirectUri,
    servers: { logon: sim.servers.logon },
  });
  const answer = await fetch(login.url, { redirect: "manual" });
  return login.complete(answer.headers.get("location") || "");
}

/** Saxo: PKCE login (unless the browser runner already did it), then calls to three sticky services. */
async function saxo(sdk, sim) {
  const credentials = sim.credentials || (await saxoLogin(sdk, sim));
  const client = sdk.saxo.createSaxoClient({ environment: "sim", servers: sim.servers, credentials });
  const accounts = await client.GET("/port/v1/accounts/me");
  check(accounts.response.status === 200 && accounts.data.Data.length > 0, "Saxo accounts");
  const found = await client.GET("/ref/v1/instruments", {
    params: { query: { Keywords: "EURUSD", AssetTypes: ["FxSpot"] } },
  });
  const instrument = found.data?.Data[0];
  check(instrument, "Saxo finds EURUSD");
  const price = await client.GET("/trade/v1/infoprices", {
    params: { query: { Uic: instrument.Identifier, AssetType: instrument.AssetType, Amount: 100000 } },
  });
  check(price.response.status === 200 && price.data.Quote, "Saxo info price");
  return "login, accounts, instrument, price";
}

const scenarios = { alor, alpaca, saxo };

/** Runs one broker's scenario; never throws: the outcome is data, so every runner reports alike. */
async function run(broker, sdk, config) {
  const scenario = scenarios[broker];
  if (!scenario) return { ok: false, error: `unknown broker "${broker}"` };
  try {
    return { ok: true, summary: await scenario(sdk, config[broker]) };
  } catch (error) {
    const name = error?.name ? error.name : "Error";
    return { ok: false, error: `${name}: ${error?.message ? error.message : String(error)}` };
  }
}

module.exports = { run, brokers: Object.keys(scenarios), check, saxoLogin, alpacaServers, alpacaTradingClient };
