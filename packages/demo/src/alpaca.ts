/**
 * Alpaca demo: a short session of the three generated clients against the local Alpaca simulator: read
 * the account and the (retired) v2 clock, page through bars, follow trade events while an order is placed
 * (its answer lost on purpose, then reconciled by client_order_id), replaced and filled, with the event
 * stream cut once on the way; then stream quotes over the market data WebSocket and watch an order's
 * new → fill events on the trading WebSocket; then what the middleware did.
 */
import { createBrokerClient, streamTradeEvents, type TradeEvent } from "@brokerkit/alpaca/broker";
import { createMarketDataClient, paginateStockBars } from "@brokerkit/alpaca/market-data";
import { alpacaMarketDataStream, alpacaTradingStream } from "@brokerkit/alpaca/streams";
import { createTradingClient, getLegacyClock, submitOrder } from "@brokerkit/alpaca/trading";
import { startAlpacaSimulator } from "@brokerkit/testing/alpaca/index";
import { createReport } from "./report.js";

const FOLLOW_MS = 2_500;
const report = createReport("Alpaca");
// The simulator's market data feed sends a round of trades, quotes and bars every 100 ms.
const sim = await startAlpacaSimulator({ sse: { heartbeatMs: 500 }, streams: { tickMs: 100 } });

try {
  // One simulator plays every Alpaca host of the manifest.
  const servers = {
    trading: sim.url,
    data: sim.url,
    broker: sim.url,
    authx: sim.url,
    dataStream: sim.streams.dataUrl,
    tradingStream: sim.streams.tradingUrl,
  };
  const keys = { keyId: sim.credentials.keyId, secretKey: sim.credentials.secretKey };
  const trading = createTradingClient({ environment: "paper", servers, credentials: keys, observer: report.observer });
  const marketData = createMarketDataClient({
    environment: "paper",
    servers,
    credentials: keys,
    observer: report.observer,
  });
  const broker = createBrokerClient({
    environment: "broker-sandbox",
    servers,
    credentials: { clientId: sim.credentials.brokerKey, clientSecret: sim.credentials.brokerSecret },
    observer: report.observer,
  });

  report.step("Read the account (API key headers; the first answer is lost, and a read is safe to retry)");
  sim.dropNextResponse({ method: "GET", path: "/v2/account" });
  const { data: account } = await trading.GET("/v2/account");
  report.info(
    `account ${account?.account_number} ${account?.status}: cash $${account?.cash}, buying power $${account?.buying_power}`,
  );

  report.step("Read the market clock through the retired /v2/clock");
  const clock = await getLegacyClock(trading);
  report.info(
    `served by ${clock.servedBy} (v3 adapted to the v2 shape): open=${clock.data.is_open}, next open ${clock.data.next_open}`,
  );

  report.step("Get bars via pagination (10 per page, next_page_token until null)");
  const bars = { AAPL: 0, MSFT: 0 } as Record<string, number>;
  let last = "";
  for await (const { symbol, bar } of paginateStockBars(marketData, {
    symbols: "AAPL,MSFT",
    timeframe: "1Min",
    limit: 10,
  })) {
    bars[symbol] = (bars[symbol] ?? 0) + 1;
    last = `${symbol} ${bar.t} close ${bar.c}`;
  }
  report.info(
    `${bars.AAPL} AAPL + ${bars.MSFT} MSFT bars in ${sim.requestsTo("GET /v2/stocks/bars")} pages; last: ${last}`,
  );

  report.step(`Follow trade events for ${FOLLOW_MS / 1000} s (Broker API SSE, client-credentials token)`);
  sim.forceDisconnectAfter(2, "/v2/events/trades");
  const stream = streamTradeEvents(
    broker,
    {},
    {
      signal: AbortSignal.timeout(FOLLOW_MS),
      reconnectDelayMs: 100,
      onReconnect: (info) => report.info(`  ↻ stream ${info.reason}; resuming after ${info.resumeAfter}`),
    },
  );
  const seen: TradeEvent[] = [];
  const following = (async () => {
    try {
      for await (const event of stream) {
        seen.push(event);
        report.info(
          `  ⇢ ${event.event} ${event.order?.side} ${event.order?.qty} ${event.order?.symbol} (${event.order?.status})`,
        );
      }
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
    }
  })();
  while (sim.counters.sseConnections < 1) await new Promise((resolve) => setTimeout(resolve, 10));

  report.step("Place a limit order whose answer is lost (submitOrder reconciles by client_order_id)");
  sim.dropNextResponse({ method: "POST", path: "/v2/orders" });
  const placed = await submitOrder(trading, {
    symbol: "AAPL",
    qty: "2",
    side: "buy",
    type: "limit",
    limit_price: "185",
    time_in_force: "day",
  });
  report.info(
    `order ${placed.order.id} (${placed.clientOrderId}) confirmed by ${placed.confirmedBy}; ` +
      `${placed.submissions} POST, ${placed.lookups} lookup; orders at Alpaca: ${sim.orders().length}`,
  );

  report.step("Replace it (qty 3 at 186), then let the simulator fill the replacement");
  const { data: replacement } = await trading.PATCH("/v2/orders/{order_id}", {
    params: { path: { order_id: placed.order.id as string } },
    body: { qty: "3", limit_price: "186" },
  });
  report.info(
    `replacement ${replacement?.id} replaces ${replacement?.replaces}: ${replacement?.qty} @ ${replacement?.limit_price}`,
  );
  sim.fillOrder(replacement?.id as string);

  await following;
  const ids = seen.map((e) => e.event_id);
  report.info(
    `${seen.length} events, ${stream.reconnects} reconnection(s), ${new Set(ids).size === ids.length ? "none repeated" : "REPEATED"}, ` +
      `${sim.counters.sseForcedDisconnects} forced disconnect(s) at the simulator`,
  );

  report.step("Stream AAPL and MSFT quotes, place an order, and watch its events on the trading stream (WebSockets)");
  const streamEvents = new Map<string, number>();
  const streamObserver = (event: { type: string }) => {
    streamEvents.set(event.type, (streamEvents.get(event.type) ?? 0) + 1);
  };
  const marketStream = alpacaMarketDataStream(trading, { observer: streamObserver });
  const tradingStream = alpacaTradingStream(trading, { observer: streamObserver });
  try {
    const quotes = marketStream.subscribe("quotes", { quotes: ["AAPL", "MSFT"] });
    let shown = 0;
    for await (const quote of quotes) {
      report.info(`  quote ${quote.S}: bid ${quote.bp} × ${quote.bs} / ask ${quote.ap} × ${quote.as}`);
      if (++shown === 4) break;
    }
    const filled = await submitOrder(
      trading,
      { symbol: "MSFT", qty: "1", side: "buy", type: "market", time_in_force: "day" },
      { tradeUpdates: tradingStream, awaitFate: true },
    );
    report.info(
      `order ${filled.clientOrderId} events on the trading stream: ${filled.events?.map((e) => e.event).join(" → ")}; ` +
        `filled ${filled.fate?.qty} @ ${filled.fate?.price}, no polling (${filled.lookups} lookups)`,
    );
  } finally {
    await Promise.all([marketStream.close(), tradingStream.close()]);
  }
  const { data: dataSockets, trading: tradingSockets } = sim.streams.counters.connections;
  report.info(
    `sockets opened: ${dataSockets.total} market data, ${tradingSockets.total} trading; stream events: ` +
      [...streamEvents].map(([type, n]) => `${type} ${n}`).join(", "),
  );
  report.summary();
} finally {
  await sim.close();
}
