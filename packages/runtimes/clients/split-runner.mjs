/**
 * Runner of the code-split bundle (test/split-bundle.test.ts). The test bundles it with esbuild's code
 * splitting, as an app would, so what the broker packages load with `import()` on first use sits in
 * chunks of its own: Saxo's login completion and streaming hand-off, Alpaca's event-stream connection
 * loop. These calls must load and run those chunks. Args: <config JSON>. Prints one outcome line.
 */
import { createBrokerClient, createTradingClient, streamTradeEvents } from "@brokerkit/alpaca";
import { createSaxoClient, createStreamingConnection, startSaxoLogin } from "@brokerkit/saxo";

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function saxo(sim) {
  const login = startSaxoLogin({
    environment: "sim",
    clientId: sim.appKey,
    redirectUri: sim.redirectUri,
    servers: { logon: sim.servers.logon },
  });
  // The simulator plays the user: it logs in at once and redirects back with a code.
  const answer = await fetch(login.url, { redirect: "manual" });
  const credentials = await login.complete(answer.headers.get("location") || "");
  check(credentials.refreshToken, "Saxo login gives a refresh token");
  const client = createSaxoClient({ environment: "sim", servers: sim.servers, credentials });
  const connection = await createStreamingConnection(client, { contextId: "split-bundle" });
  connection.close();
  check(connection.url.startsWith("ws") && connection.url.endsWith("contextId=split-bundle"), "Saxo connect URL");
  check(connection.authorization === `Bearer ${credentials.accessToken}`, "Saxo streaming token");
  check(connection.cookie !== "", "Saxo streaming cookies from the REST jar");
  return "login, streaming hand-off";
}

async function alpaca(sim) {
  const servers = { trading: sim.url, data: sim.url, broker: sim.url, authx: sim.url };
  const trading = createTradingClient({
    environment: "paper",
    servers,
    credentials: { keyId: sim.keyId, secretKey: sim.secretKey },
  });
  const placed = await trading.POST("/v2/orders", {
    body: { symbol: "AAPL", qty: "1", side: "buy", type: "market", time_in_force: "day" },
  });
  check(placed.data?.id, "Alpaca order placed");
  const broker = createBrokerClient({
    environment: "broker-sandbox",
    servers,
    credentials: { username: sim.brokerKey, password: sim.brokerSecret },
  });
  const events = [];
  const stream = streamTradeEvents(broker, { since: new Date().toISOString().slice(0, 10) });
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

const config = JSON.parse(process.argv[2]);
try {
  const summary = [await saxo(config.saxo), await alpaca(config.alpaca)].join("; ");
  console.log(JSON.stringify({ ok: true, summary }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: `${error?.name ?? "Error"}: ${error?.message ?? String(error)}` }));
}
