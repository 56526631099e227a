/**
 * Binance demo: a short session against the local Binance Spot simulator, which this script starts and
 * stops (its clock is set 30 s ahead, as a drifting machine would see it). Read market data, then make
 * signed calls with no timestamp or signature argument (the client reads the server's clock and signs
 * each attempt), survive a 503 on a signed call, place and cancel an order with a generated client
 * order id; then show what the weight budget and the retries did.
 */
import { createSpotClient } from "@brokerkit/binance";
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { startBinanceSimulator } from "@brokerkit/testing/binance/index";
import { createReport } from "./report.js";

const report = createReport("Binance");
const events: MiddlewareEvent[] = [];
const observer = (event: MiddlewareEvent) => {
  events.push(event);
  report.observer(event);
};
const sim = await startBinanceSimulator({ clockOffsetMs: 30_000 });

try {
  const client = createSpotClient({
    environment: "testnet",
    credentials: { apiKey: sim.apiKey, secretKey: sim.secretKey },
    servers: { api: sim.url },
    observer,
  });

  report.step("Market data (unsigned; each call costs its request weight)");
  const [book, price, bars] = await Promise.all([
    client.GET("/api/v3/depth", { params: { query: { symbol: "BTCUSDT", limit: 5 } } }),
    client.GET("/api/v3/ticker/price", { params: { query: { symbol: "ETHUSDT" } } }),
    client.GET("/api/v3/klines", { params: { query: { symbol: "BTCUSDT", interval: "1h", limit: 3 } } }),
  ]);
  report.info(`BTCUSDT best bid ${book.data?.bids[0]?.[0]}, best ask ${book.data?.asks[0]?.[0]}`);
  report.info(`ETHUSDT last price ${"price" in (price.data ?? {}) ? (price.data as { price: string }).price : "?"}`);
  report.info(`${bars.data?.length ?? 0} hourly bars of BTCUSDT`);

  report.step("Signed account read (the server's clock is 30 s ahead: the client measured the offset first)");
  const account = await client.GET("/api/v3/account", { params: { query: { omitZeroBalances: true } } });
  for (const balance of account.data?.balances ?? []) report.info(`${balance.asset}: ${balance.free} free`);

  report.step("Validate an order; the first attempt meets a 503 and is signed again with a fresh timestamp");
  sim.failNext("POST /api/v3/order/test", 503);
  const tested = await client.POST("/api/v3/order/test", {
    params: { query: { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.01" } },
  });
  const attempts = sim.signedCalls.filter((call) => call.route === "POST /api/v3/order/test");
  report.info(
    `${tested.error ? "refused" : "valid"} after ${attempts.length} attempts; signatures checked: ${attempts.map((call) => (call.ok ? "ok" : "bad")).join(", ")}`,
  );

  report.step("Place and cancel a limit order (the client order id travels in the query, generated once)");
  const placed = await client.POST("/api/v3/order", {
    params: {
      query: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.01", price: "50000" },
    },
  });
  report.info(
    `order ${placed.data?.orderId} ${placed.data?.status} with client order id ${placed.data?.clientOrderId}`,
  );
  const cancelled = await client.DELETE("/api/v3/order", {
    params: { query: { symbol: "BTCUSDT", orderId: placed.data?.orderId ?? 0 } },
  });
  report.info(`order ${cancelled.data?.orderId} ${cancelled.data?.status}`);

  const used = sim.weighed.reduce((sum, call) => sum + call.weight, 0);
  const valid = sim.signedCalls.every((call) => call.ok) ? "all valid" : "SOME INVALID";
  report.info(`request weight used at the server: ${used} of 6000 per minute`);
  report.info(`signed calls checked by the simulator: ${sim.signedCalls.length}, ${valid}`);
  report.summary();
} finally {
  await sim.close();
}
