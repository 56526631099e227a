/**
 * Saxo demo: a short session against the local Saxo simulator, which this script starts and stops.
 * Log in with PKCE, read the portfolio, look up an instrument and its price, place and cancel an
 * order, hand the session over to a streaming WebSocket, and survive a token refresh; stream prices
 * and orders through a forced `_resetsubscriptions` and a dropped connection; then show the probes,
 * the cookies (names only), the refreshes and the throttle waits behind those calls.
 */
import type { MiddlewareEvent } from "@brokerkit/middleware";
import { createSaxoClient, createStreamingConnection, startSaxoLogin } from "@brokerkit/saxo";
import { createSaxoStream } from "@brokerkit/saxo/streams";
import { startSaxoSimulator } from "@brokerkit/testing/saxo/index";
import { webSocketHandshake } from "@brokerkit/testing/websocket";
import { createReport } from "./report.js";

const report = createReport("Saxo");
const events: MiddlewareEvent[] = [];
const observer = (event: MiddlewareEvent) => {
  events.push(event);
  report.observer(event);
};
// Saxo's documented limits are the simulator's defaults: 120 requests/min per service group, 1 order/s.
const sim = await startSaxoSimulator();

try {
  report.step("Log in: authorization code with PKCE");
  let rotations = 0;
  const login = startSaxoLogin({
    environment: "sim",
    clientId: sim.app.appKey,
    redirectUri: sim.app.redirectUri,
    servers: { logon: sim.servers.logon },
    // A real app writes the rotated refresh token to its secret store here; the old one stops working.
    onRefreshToken: () => {
      rotations++;
    },
  });
  const authorize = new URL(login.url);
  report.info(`browser → ${authorize.origin}${authorize.pathname} (${[...authorize.searchParams.keys()].join(", ")})`);
  // The simulator plays the user: it logs in at once and redirects back with a code.
  const redirect = (await fetch(login.url, { redirect: "manual" })).headers.get("location") ?? "";
  const credentials = await login.complete(redirect);
  const lifetime = Math.round(((credentials.accessTokenExpiresAt ?? Date.now()) - Date.now()) / 60_000);
  report.info(`code exchanged: access token for ~${lifetime} min, plus a refresh token (values not shown)`);

  const client = createSaxoClient({ environment: "sim", servers: sim.servers, credentials, observer });

  report.step("Accounts and positions (the first call to each service waits for one isalive probe)");
  const [accounts, positions] = await Promise.all([
    client.GET("/port/v1/accounts/me"),
    client.GET("/port/v1/positions/me", { params: { query: { FieldGroups: ["PositionBase", "PositionView"] } } }),
  ]);
  for (const account of accounts.data?.Data ?? []) report.info(`account ${account.AccountId} (${account.Currency})`);
  for (const position of positions.data?.Data ?? []) {
    const base = position.PositionBase;
    report.info(`position ${position.PositionId}: ${base?.Amount} × Uic ${base?.Uic} (${base?.AssetType})`);
  }
  const accountKey = accounts.data?.Data[0]?.AccountKey ?? "";

  report.step("Look up an instrument");
  const found = await client.GET("/ref/v1/instruments", {
    params: { query: { Keywords: "EURUSD", AssetTypes: ["FxSpot"] } },
  });
  const instrument = found.data?.Data[0];
  if (!instrument) throw new Error("the simulator found no EURUSD instrument");
  const details = await client.GET("/ref/v1/instruments/details/{Uic}/{AssetType}", {
    params: { path: { Uic: instrument.Identifier, AssetType: instrument.AssetType } },
  });
  const tick = Number(details.data?.TickSize?.toPrecision(6));
  report.info(`${instrument.Symbol}: Uic ${instrument.Identifier}, ${details.data?.Description}, tick size ${tick}`);

  report.step("Info price");
  const price = await client.GET("/trade/v1/infoprices", {
    params: { query: { Uic: instrument.Identifier, AssetType: instrument.AssetType, Amount: 100_000 } },
  });
  const quote = price.data?.Quote;
  report.info(`bid ${quote?.Bid} / ask ${quote?.Ask} (${quote?.MarketState ?? "?"})`);

  report.step("Place and cancel an order (1 order operation per second: the cancel waits its turn)");
  const placed = await client.POST("/trade/v2/orders", {
    body: {
      AccountKey: accountKey,
      Uic: instrument.Identifier,
      AssetType: instrument.AssetType,
      BuySell: "Buy",
      Amount: 10_000,
      OrderType: "Limit",
      OrderPrice: Number(((quote?.Bid ?? 1) * 0.95).toFixed(5)),
      OrderDuration: { DurationType: "GoodTillCancel" },
      ManualOrder: false,
    },
  });
  const orderId = placed.data?.OrderId ?? "";
  const requestId = sim.arrivals.findLast((a) => a.method === "POST")?.headers["x-request-id"];
  report.info(`placed order ${orderId} (x-request-id ${String(requestId)}: a retry would reuse it)`);
  const cancelled = await client.DELETE("/trade/v2/orders/{OrderIds}", {
    params: { path: { OrderIds: orderId }, query: { AccountKey: accountKey } },
  });
  report.info(
    `cancel → ${cancelled.response.status}; order is now ${sim.orders.find((o) => o.OrderId === orderId)?.Status}`,
  );

  report.step("Streaming hand-off (same cookie jar, same token; re-authorised after each refresh)");
  let reauthorized = 0;
  const stream = await createStreamingConnection(client, { onReauthorized: () => reauthorized++ });
  report.info(`connect ${stream.url}`);
  report.info(`headers: Authorization: Bearer <redacted>; Cookie: ${cookieNames(stream.cookie)}`);
  const status = await webSocketHandshake(stream.url, stream.headers);
  report.info(`WebSocket handshake → ${status}`);

  report.step("The access token expires: one refresh, a rotated refresh token, the stream re-authorised");
  sim.expireAccessTokens();
  const user = await client.GET("/port/v1/users/me");
  for (let waited = 0; reauthorized === 0 && waited < 5_000; waited += 20) await sleep(20);
  report.info(`users/me → ${user.response.status} after the refresh; rotated refresh tokens persisted: ${rotations}`);
  const authorizeCall = sim.streamingArrivals.findLast((a) => a.kind === "authorize");
  report.info(`streaming re-authorised ${reauthorized}× (PUT …/ws/authorize → ${authorizeCall?.status})`);
  stream.close();

  report.step("Stream prices of two instruments and the orders; place an order and watch its delta arrive");
  const streamEvents = new Map<string, number>();
  const live = createSaxoStream(client, {
    observer: (event) => streamEvents.set(event.type, (streamEvents.get(event.type) ?? 0) + 1),
  });
  const eur = live.subscribe("prices", { Arguments: { Uic: instrument.Identifier, AssetType: instrument.AssetType } });
  const jpy = live.subscribe("prices", { Arguments: { Uic: 42, AssetType: "FxSpot" } });
  const orderFeed = live.subscribe("orders", { Arguments: { AccountKey: accountKey } });
  for (const [name, feed] of [
    ["EURUSD", eur],
    ["USDJPY", jpy],
  ] as const) {
    const first = await next(feed);
    report.info(
      `${name} ${first.kind} (${first.referenceId}): bid ${first.state.Quote?.Bid} / ask ${first.state.Quote?.Ask}`,
    );
  }
  report.info(`orders snapshot: ${(await next(orderFeed)).state.length} open order(s)`);
  sim.streamingWs.pushPrice(instrument.Identifier, { Quote: { Bid: 1.08888 } });
  const tickUpdate = await next(eur);
  report.info(
    `EURUSD delta #${tickUpdate.messageId} ${JSON.stringify(tickUpdate.data)} → merged bid ${tickUpdate.state.Quote?.Bid} / ask ${tickUpdate.state.Quote?.Ask}`,
  );
  const streamedOrder = await client.POST("/trade/v2/orders", {
    body: {
      AccountKey: accountKey,
      Uic: instrument.Identifier,
      AssetType: instrument.AssetType,
      BuySell: "Buy",
      Amount: 10_000,
      OrderType: "Limit",
      OrderPrice: 1.01,
      OrderDuration: { DurationType: "GoodTillCancel" },
      ManualOrder: false,
    },
  });
  const orderDelta = await next(orderFeed);
  report.info(
    `order ${streamedOrder.data?.OrderId} placed over REST → delta #${orderDelta.messageId} on the socket; open orders now: ${orderDelta.state.map((o) => o.OrderId).join(", ")}`,
  );

  report.step("The server forces _resetsubscriptions for EURUSD, then the connection drops mid-stream");
  sim.streamingWs.resetSubscriptions([tickUpdate.referenceId]);
  const remade = await next(eur);
  report.info(`EURUSD made again: ${remade.kind} under ${remade.referenceId} (USDJPY and orders untouched)`);
  // Deltas sent while the network path is dead are lost in flight; the reconnect replays them by message id.
  sim.streamingWs.stall();
  sim.streamingWs.pushPrice(42, { Quote: { Ask: 151.234 } });
  sim.streamingWs.dropConnections();
  const replayed = await next(jpy);
  const lastConnect = sim.streamingWs.connects.at(-1);
  report.info(
    `reconnected with messageid=${lastConnect?.messageId} (sticky: ${lastConnect?.sticky}); USDJPY delta #${replayed.messageId} replayed: ask ${replayed.state.Quote?.Ask}`,
  );
  await client.DELETE("/trade/v2/orders/{OrderIds}", {
    params: { path: { OrderIds: streamedOrder.data?.OrderId ?? "" }, query: { AccountKey: accountKey } },
  });
  report.info(`order cancelled → open orders now: ${(await next(orderFeed)).state.length}`);
  await live.close();
  report.info(`stream events: ${[...streamEvents].map(([type, n]) => `${type} ${n}`).join(", ")}`);
  report.info(
    `connects: ${sim.streamingWs.connects.length}, on a wrong backend: ${sim.streamingWs.connects.filter((c) => !c.sticky).length}; subscriptions left at the server: ${sim.subscriptions().length}`,
  );

  report.step("Behind the scenes");
  const probes = events.filter((e) => e.type === "probe").length;
  report.info(`isalive probes by the client: ${probes}, one per service, never two at a time:`);
  for (const probe of sim.probes) report.info(`  ${probe.service}/isalive → pinned to ${probe.backend}`);
  for (const service of ["port", "ref", "trade"]) {
    report.info(
      `cookies for ${service}: ${cookieNames(await client.runtime.cookieHeaderFor(`${sim.servers.gateway}/${service}/`))}`,
    );
  }
  report.info(`cookies for streaming: ${cookieNames(stream.cookie)}`);
  report.info(
    `token refreshes: ${sim.counters.refreshGrants}; requests lost to a wrong server: ${sim.counters.wrongBackend}`,
  );
  for (const wait of events.filter((e) => e.type === "throttle.wait")) {
    report.info(
      `throttle wait ${Math.round(wait.waitMs)} ms on ${wait.bucket.replace(/^[^:]+:[0-9a-f]+:/, "")} (${wait.method})`,
    );
  }
  report.summary();
} finally {
  await sim.close();
}

/** The next message of a subscription, or a clear failure after 10 s (the demo never hangs). */
async function next<T>(feed: AsyncIterator<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no stream message within 10 s")), 10_000);
  });
  try {
    const result = await Promise.race([feed.next(), timeout]);
    if (result.done) throw new Error("the subscription ended");
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Cookie names only: their values pin the session and are treated as secrets. */
function cookieNames(header: string): string {
  const names = header.split(";").map((pair) => pair.split("=")[0]?.trim() ?? "");
  return (
    names
      .filter(Boolean)
      .map((name) => `${name}=<redacted>`)
      .join("; ") || "(none)"
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
