/**
 * ALOR demo: a short session of the generated client against the local ALOR simulator: log in, find
 * a security, read its quote and order book, place a limit order, list orders, cancel them all, then
 * show the limits at work (a burst the throttle paces, a catalogue search served from the cache), then
 * stream the book, quotes and an order event over the data socket and cancel it over the command socket.
 */
import { randomUUID } from "node:crypto";
import { type AlorSchemas, createAlorClient, securitiesPages, unwrap } from "@brokerkit/alor";
import { createAlorCommandStream, createAlorDataStream } from "@brokerkit/alor/streams";
import { startAlorSimulator } from "@brokerkit/testing/alor/index";
import { createReport } from "./report.js";

const PORTFOLIO = "D39004";
const report = createReport("ALOR");
const sim = await startAlorSimulator();

try {
  const client = createAlorClient({
    environment: "test",
    credentials: { refreshToken: sim.refreshToken },
    // One simulator plays both ALOR hosts: the API and the OAuth server.
    servers: { api: sim.url, oauth: sim.url },
    observer: report.observer,
  });

  report.step("Log in (the refresh token is exchanged for a JWT on the first call)");
  const serverTime = await unwrap(client.GET("/md/v2/time"));
  report.info(
    `server time ${new Date(serverTime * 1000).toISOString()}; token exchanges so far: ${sim.counters.tokenExchanges}`,
  );

  report.step("Search a security");
  // Data calls answer in the format asked for (a union of Simple, Slim and Heavy): ask for Simple and narrow to it.
  const simple = { format: "Simple" } as const;
  const search = async () =>
    (await unwrap(
      client.GET("/md/v2/Securities", { params: { query: { query: "SBER", exchange: "MOEX", limit: 3, ...simple } } }),
    )) as AlorSchemas["Security"][];
  const found = await search();
  const security = found.find((s) => s.symbol === "SBER") ?? found[0];
  if (!security?.symbol) throw new Error("the simulator's catalogue has no SBER");
  report.info(
    `${security.symbol} "${security.shortname}" on ${security.board}: lot ${security.lotsize}, price step ${security.minstep}`,
  );

  report.step("Read the quote and the order book");
  const [quote] = (await unwrap(
    client.GET("/md/v2/Securities/{symbols}/quotes", {
      params: { path: { symbols: `MOEX:${security.symbol}` }, query: simple },
    }),
  )) as AlorSchemas["Quote"][];
  report.info(`last ${quote?.last_price}, bid ${quote?.bid} / ask ${quote?.ask}`);
  const book = (await unwrap(
    client.GET("/md/v2/orderbooks/{exchange}/{symbol}", {
      params: { path: { exchange: "MOEX", symbol: security.symbol }, query: { depth: 3, ...simple } },
    }),
  )) as AlorSchemas["OrderBook"];
  for (const [bid, ask] of (book.bids ?? []).map((b, i) => [b, book.asks?.[i]] as const)) {
    report.info(`  ${String(bid.volume).padStart(6)} @ ${bid.price}   |   ${ask?.price} @ ${ask?.volume}`);
  }

  report.step("Place a limit order (buy 1 lot 3% under the bid, so it rests)");
  const step = security.minstep ?? 0.01;
  const price = Number((Math.round(((quote?.bid ?? 0) * 0.97) / step) * step).toFixed(6));
  const placed = await unwrap(
    client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", {
      // One key per logical order; the middleware reuses it if it has to send the order again.
      params: { header: { "X-REQID": randomUUID() } },
      body: {
        side: "buy",
        quantity: 1,
        price,
        instrument: { symbol: security.symbol, exchange: "MOEX" },
        user: { portfolio: PORTFOLIO },
        allowMargin: false,
      },
    }),
  );
  report.info(`order ${placed.orderNumber} accepted at ${price}`);

  const listOrders = async () =>
    (await unwrap(
      client.GET("/md/v2/Clients/{exchange}/{portfolio}/orders", {
        params: { path: { exchange: "MOEX", portfolio: PORTFOLIO }, query: simple },
      }),
    )) as AlorSchemas["Order"][];
  report.step("List the portfolio's orders");
  for (const order of await listOrders())
    report.info(`${order.id} ${order.side} ${order.qty} ${order.symbol} @ ${order.price}: ${order.status}`);

  report.step("Cancel all orders in one request");
  const cancelled = await unwrap(
    client.DELETE("/commandapi/warptrans/TRADE/v2/client/orders/all", {
      params: { query: { exchange: "MOEX", portfolio: PORTFOLIO } },
    }),
  );
  report.info(`ALOR says "${cancelled}"; statuses now: ${(await listOrders()).map((o) => o.status).join(", ")}`);

  report.step("A burst of 150 calls: the throttle keeps it within 100 per second");
  const started = performance.now();
  await Promise.all(Array.from({ length: 150 }, () => unwrap(client.GET("/md/v2/time"))));
  report.info(
    `150 calls in ${((performance.now() - started) / 1000).toFixed(1)} s, answered 429 by the server: ${sim.counters.rateLimited} times`,
  );

  report.step("Search the same security again: served from the reference-data cache");
  await search();
  report.info(`catalogue downloads so far: ${sim.counters.requests.searchSecurities} (the repeat sent nothing)`);

  report.step("Walk the SPB Exchange catalogue in bounded pages of 3");
  let pages = 0;
  let instruments = 0;
  for await (const page of securitiesPages(client, { filter: { exchange: "SPBX" }, pageSize: 3, maxPages: 10 })) {
    pages++;
    instruments += page.securities.length;
  }
  report.info(`${instruments} instruments in ${pages} pages (the short last page ends the walk)`);

  report.step("Stream the order book and quotes, watch an order arrive, cancel it over the command socket");
  const streamEvents = new Map<string, number>();
  const streamObserver = (event: { type: string }) => {
    streamEvents.set(event.type, (streamEvents.get(event.type) ?? 0) + 1);
  };
  const data = createAlorDataStream(client, { url: sim.ws.dataUrl, observer: streamObserver });
  const commands = createAlorCommandStream(client, { url: sim.ws.commandUrl, observer: streamObserver });
  const perChannel = new Map<string, number>();
  const counted = (channel: string) => perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
  try {
    const books = data.subscribe("orderBook", { code: security.symbol, exchange: "MOEX", depth: 3 });
    const quotes = data.subscribe("quotes", { code: security.symbol, exchange: "MOEX" });
    const orders = data.subscribe("orders", { portfolio: PORTFOLIO, exchange: "MOEX", skipHistory: true });
    await Promise.all([books.ready, quotes.ready, orders.ready]);
    for (const [channel, subscription] of [
      ["orderBook", books],
      ["quotes", quotes],
    ] as const) {
      if (!(await subscription.next()).done) counted(channel);
    }
    const streamed = await unwrap(
      client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", {
        params: { header: { "X-REQID": randomUUID() } },
        body: {
          side: "buy",
          quantity: 1,
          price,
          instrument: { symbol: security.symbol, exchange: "MOEX" },
          user: { portfolio: PORTFOLIO },
          allowMargin: false,
        },
      }),
    );
    report.info(`order ${streamed.orderNumber} placed over REST`);
    for await (const event of orders) {
      counted("orders");
      if (event.data.id === streamed.orderNumber) {
        report.info(
          `order event on the data socket: ${event.data.id} ${"status" in event.data ? event.data.status : ""}`,
        );
        break;
      }
    }
    const cancel = await commands.command("deleteLimitOrder", {
      orderId: String(streamed.orderNumber),
      exchange: "MOEX",
      user: { portfolio: PORTFOLIO },
    });
    report.info(`cancelled over the command socket: httpCode ${cancel.httpCode}`);
    const depths = data
      .stats()
      .subscriptions.map((s) => `${s.channel} ${s.depth}`)
      .join(", ");
    report.info(`buffer depths: ${depths}`);
  } finally {
    await Promise.all([data.close(), commands.close()]);
  }
  report.info(`messages per channel: ${[...perChannel].map(([c, n]) => `${c} ${n}`).join(", ")}`);
  report.info(`stream events: ${[...streamEvents].map(([t, n]) => `${t} ${n}`).join(", ")}`);
  report.info(`reconnects: ${streamEvents.get("stream.reconnect") ?? 0}`);

  report.summary();
  report.info(
    `simulator: ${sim.counters.tokenExchanges} token exchange(s), ${sim.counters.rateLimited} × 429, ${sim.arrivals.length} requests received`,
  );
} finally {
  await sim.close();
}
