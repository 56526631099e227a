/**
 * A Saxo OpenAPI simulator: one node:http server on 127.0.0.1 that plays Saxo's three hosts.
 *
 *   gateway    `${url}/sim/openapi`          REST services behind a simulated load balancer
 *   logon      `${url}`                      `/authorize` and `/token` (OAuth2 code + PKCE, rotating refresh tokens)
 *   streaming  `${url}/sim/oapi/streaming`   `/ws/connect` and `/ws/authorize` (recorded)
 *   streamingws `${streamingUrl}/sim/openapi/streamingws`  the plain WebSocket streaming (streaming-ws/host.ts),
 *              on a port of its own: Saxo serves it from another host than the gateway
 *
 * Every gateway request goes through the same steps, in the order a real deployment would apply them:
 *   retired route? → load balancer (affinity cookie) → token → session known to this server? → quota → handler.
 * A request without the service's cookies from `GET /{service}/isalive` lands on a random server that does
 * not hold the session and gets `lostSessionStatus` (default 503, ErrorCode `SessionNotAvailable`); it had no
 * effect, so a client may probe again and replay it. That status is the manifest's `sticky.lostStatuses`.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type Arrival, dropConnection, enableCors, type SimRequest, sendJson, startServer } from "../server.js";
import { account, closedPositions, currencies, exchanges, forClient, myClient, timeZones } from "./client-routes.js";
import { parseCookieHeader } from "./cookies.js";
import { createCounters, type SaxoCounters } from "./counters.js";
import { LoadBalancer, type ProbeRecord } from "./load-balancer.js";
import {
  clientByKey,
  closedPositionById,
  diagnosticsEcho,
  featureAvailability,
  manyInstrumentDetails,
  netPositionById,
  openOrderById,
  userByKey,
} from "./lookup-routes.js";
import { CHART_HORIZONS_V1, CHART_HORIZONS_V3, chart, infoPrice } from "./market-data.js";
import { OAuthServer, type SaxoSession, type SaxoTokenResponse } from "./oauth.js";
import { type ResolvedSaxoOptions, resolveOptions, type SaxoSimulatorOptions } from "./options.js";
import { OrderDeduplicator } from "./order-dedup.js";
import { OrderBook, type SimOrder } from "./orders.js";
import { Portfolio } from "./portfolio.js";
import { precheckOrder } from "./precheck.js";
import { RateLimiter } from "./rate-limits.js";
import { instrumentDetails, searchInstruments } from "./reference-data.js";
import { type Reply, saxoError } from "./reply.js";
import { type StreamingArrival, StreamingHost } from "./streaming.js";
import { type SaxoStreamingControls, StreamingWsHost } from "./streaming-ws/host.js";
import { type SimSubscription, SubscriptionRegistry } from "./subscriptions.js";

export const SIM_GATEWAY_PATH = "/sim/openapi";
export const SIM_STREAMING_PATH = "/sim/oapi/streaming";
export const SIM_STREAMINGWS_PATH = "/sim/openapi/streamingws";

/** Which request `dropNextResponse` acts on: method and/or path (gateway-relative or full), or a predicate. */
export type RequestMatcher =
  | { method?: string; path?: string | RegExp }
  | ((request: { method: string; path: string; fullPath: string }) => boolean);

export interface DroppedResponse {
  method: string;
  path: string;
  /** The status that would have been sent. */
  status: number;
}

export interface SaxoSimulator {
  /** Origin of the simulator, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Base URLs in the manifest's server keys. */
  servers: { gateway: string; logon: string; streaming: string; streamingws: string };
  /** The registered OAuth app. */
  app: { appKey: string; appSecret: string; redirectUri: string };
  /** Live counters (see SaxoCounters). */
  counters: SaxoCounters;
  /** Every isalive probe, in arrival order. */
  probes: readonly ProbeRecord[];
  /** Every HTTP request that reached the simulator (WebSocket upgrades are in `streamingArrivals`). */
  arrivals: readonly Arrival[];
  /** What arrived at the streaming connect and authorize steps. */
  streamingArrivals: readonly StreamingArrival[];
  /** The plain WebSocket streaming (`servers.streamingws`): its connects, deltas and faults. */
  streamingWs: SaxoStreamingControls;
  /** Every order created, with its current status. */
  orders: readonly SimOrder[];
  /** Opens a session without the browser step, as if the code flow had run. */
  issueTokens(): SaxoTokenResponse;
  /** Expires every access token issued so far (refresh tokens stay valid). */
  expireAccessTokens(): void;
  /**
   * Expires every load-balancer affinity issued so far, server side only: clients still hold the cookies,
   * and their next request gets `lostSessionStatus` until they probe again.
   */
  expireStickiness(): void;
  /**
   * The next request matching `matcher` is carried out in full (an order is placed), then its connection is
   * destroyed instead of answered. Resolves when that happens.
   */
  dropNextResponse(matcher: RequestMatcher): Promise<DroppedResponse>;
  /** Subscriptions created on `…/subscriptions` routes and not yet deleted (the streaming work reads these). */
  subscriptions(): readonly SimSubscription[];
  /** Turns the retired answer of the v1 routes on or off. */
  setRetireV1Routes(retired: boolean): void;
  close(): Promise<void>;
}

interface RouteContext {
  req: SimRequest;
  session: SaxoSession;
  params: string[];
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Order operations count against the SessionOrders quota and are de-duplicated. */
  order?: "place" | "modify" | "cancel";
  /** Set on retired v1 routes: the successor path (for `Link` headers and de-duplication). */
  successor?: (params: string[]) => string;
  handle(context: RouteContext): Reply;
}

export async function startSaxoSimulator(options: SaxoSimulatorOptions = {}): Promise<SaxoSimulator> {
  const settings: ResolvedSaxoOptions = resolveOptions(options);
  const counters = createCounters();
  const loadBalancer = new LoadBalancer(
    {
      backendsPerService: settings.backendsPerService,
      stickyCookieTtlMs: settings.stickyCookieTtlMs,
      probeLatencyMs: settings.probeLatencyMs,
      // The streaming service's servers answer on the streaming host, so its cookie is scoped there.
      cookiePath: (service) =>
        service === "streaming" ? [SIM_STREAMING_PATH, SIM_STREAMINGWS_PATH] : `${SIM_GATEWAY_PATH}/${service}`,
    },
    counters,
  );
  const oauth = new OAuthServer(settings, counters);
  const rateLimiter = new RateLimiter(settings);
  const orderBook = new OrderBook();
  const dedup = new OrderDeduplicator(settings.duplicateWindowMs, settings.repeatedRequestId);
  const portfolio = new Portfolio(orderBook);
  const streaming = new StreamingHost(SIM_STREAMING_PATH, oauth, loadBalancer, settings.lostSessionStatus, counters);
  const registry = new SubscriptionRegistry();
  const delayedMinutes = (session: Pick<SaxoSession, "id">) =>
    portfolio.capabilitiesOf(session.id).TradeLevel === "FullTradingAndChat" ? 0 : 15;
  const sources = subscriptionSources(portfolio, delayedMinutes);
  const streamingWs = new StreamingWsHost({
    basePath: SIM_STREAMINGWS_PATH,
    oauth,
    loadBalancer,
    counters,
    lostSessionStatus: settings.lostSessionStatus,
    heartbeatMs: settings.streamingHeartbeatMs,
    subscriptions: () => registry.subscriptions,
    snapshotOf: (subscription) =>
      sources.get(subscription.resource)?.({ id: subscription.sessionId }, subscription.Arguments).body,
  });
  const routes = buildRoutes(portfolio, orderBook, registry, delayedMinutes, sources, (subscription, snapshot) =>
    streamingWs.onSubscribed(subscription, snapshot),
  );
  const pendingDrops: { matcher: RequestMatcher; resolve(dropped: DroppedResponse): void }[] = [];

  async function gateway(req: SimRequest): Promise<Reply> {
    const path = trimTrailingSlash(req.path.slice(SIM_GATEWAY_PATH.length));
    const service = path.split("/")[1] ?? "";
    if (!/^[a-z]+$/.test(service)) return saxoError(404, "NotFound", `No service at ${req.path}`);

    if (path === `/${service}/isalive`) {
      if (req.method !== "GET") return saxoError(405, "MethodNotAllowed", "isalive only answers GET");
      return { status: 200, body: "OK", headers: { "set-cookie": await loadBalancer.probe(service) } };
    }

    const match = findRoute(routes, req.method, path);
    if (match?.route.successor && settings.retireV1Routes) {
      counters.retiredRouteHits++;
      const successor = match.route.successor(match.params);
      return saxoError(
        settings.retiredRouteStatus,
        "RouteRetired",
        `${req.method} ${path} has been retired; use ${successor}`,
        undefined,
        { link: `<${SIM_GATEWAY_PATH}${successor}>; rel="successor-version"` },
      );
    }

    const routing = loadBalancer.route(service, parseCookieHeader(req.headers.cookie));
    const served = { "x-simulated-backend": routing.backend };
    const auth = oauth.authenticate(firstHeader(req.headers.authorization));
    if (!auth.ok) {
      counters.unauthorized++;
      return withHeaders(auth.reply, served);
    }
    if (!routing.sticky) {
      counters.wrongBackend++;
      return saxoError(
        settings.lostSessionStatus,
        "SessionNotAvailable",
        `This ${service} server does not hold the session; call GET /${service}/isalive once, ` +
          "without concurrent requests, and send back every cookie it returns",
        undefined,
        served,
      );
    }
    if (!match) {
      const exists = routes.some((route) => route.pattern.test(path));
      return exists
        ? saxoError(405, "MethodNotAllowed", `${req.method} is not supported on ${path}`, undefined, served)
        : saxoError(404, "NotFound", `No resource at ${path}`, undefined, served);
    }
    if (req.body && req.json === undefined && /json/.test(String(req.headers["content-type"] ?? ""))) {
      return saxoError(400, "InvalidRequest", "The request body is not valid JSON", undefined, served);
    }

    const admitted = rateLimiter.admit(auth.session.id, service, match.route.order !== undefined);
    if (!admitted.allowed) {
      counters.rateLimited++;
      return withHeaders(admitted.reply, served);
    }
    const context: RouteContext = { req, session: auth.session, params: match.params };
    const reply = match.route.order ? orderOperation(match.route, context, path) : match.route.handle(context);
    const deprecation: Record<string, string> = match.route.successor
      ? {
          deprecation: "true",
          sunset: "Wed, 31 Dec 2025 23:59:59 GMT",
          link: `<${SIM_GATEWAY_PATH}${match.route.successor(match.params)}>; rel="successor-version"`,
        }
      : {};
    return withHeaders(reply, { ...admitted.headers, ...served, ...deprecation });
  }

  function orderOperation(route: Route, context: RouteContext, path: string): Reply {
    const { req, session, params } = context;
    const decision = dedup.check(
      {
        sessionId: session.id,
        method: req.method,
        // A v1 call and its v2 successor are the same operation.
        path: route.successor ? route.successor(params) : path,
        query: req.url.searchParams,
        body: req.json,
      },
      firstHeader(req.headers["x-request-id"]),
    );
    if ("answer" in decision) {
      if (decision.replayed) counters.orderReplays++;
      else counters.duplicateOrders++;
      return decision.answer;
    }
    const reply = route.handle(context);
    decision.remember(reply);
    if (route.order === "place" && reply.status === 200) counters.ordersPlaced++;
    if (reply.status < 300) {
      const body = reply.body as { OrderId?: unknown } | undefined;
      const json = req.json as { OrderId?: unknown } | undefined;
      const orderId = body?.OrderId ?? json?.OrderId ?? params[0];
      streamingWs.onOrderActivity(
        typeof orderId === "string" ? decodeURIComponent(orderId) : undefined,
        route.order ?? "",
      );
    }
    return reply;
  }

  async function dispatch(req: SimRequest): Promise<Reply> {
    if (req.path === "/authorize") {
      return req.method === "GET" ? oauth.authorize(req.url) : saxoError(405, "MethodNotAllowed", "use GET");
    }
    if (req.path === "/token") return oauth.token(req);
    if (req.path.startsWith(`${SIM_STREAMING_PATH}/`)) return streaming.handle(req.method, req.url, req.headers);
    if (req.path.startsWith(`${SIM_GATEWAY_PATH}/`)) {
      const reply = await gateway(req);
      return withHeaders(reply, { "x-correlation": randomBytes(8).toString("hex") });
    }
    return saxoError(404, "NotFound", `Nothing is simulated at ${req.path}`);
  }

  function takeDrop(req: SimRequest): ((status: number) => void) | undefined {
    const fullPath = req.path;
    const path = fullPath.startsWith(SIM_GATEWAY_PATH) ? fullPath.slice(SIM_GATEWAY_PATH.length) : fullPath;
    const index = pendingDrops.findIndex(({ matcher }) => matches(matcher, req.method, path, fullPath));
    if (index < 0) return undefined;
    const [pending] = pendingDrops.splice(index, 1);
    return (status) => pending?.resolve({ method: req.method, path, status });
  }

  const running = await startServer(async (req, res) => {
    const drop = takeDrop(req);
    const reply = await dispatch(req);
    if (drop) {
      counters.droppedResponses++;
      drop(reply.status);
      dropConnection(res);
      return;
    }
    writeReply(res, reply);
  });
  if (options.cors) enableCors(running, options.cors);
  running.server.on("upgrade", (req, socket) => streaming.upgrade(req, socket));
  // The streaming host: same machine, another origin (cookies ignore ports, so the jar's cookies apply).
  const streamingHost = await startServer(async (req, res) =>
    writeReply(res, streamingWs.handle(req.method, req.url, req.headers)),
  );
  streamingHost.server.on("upgrade", (req, socket, head) => streamingWs.upgrade(req, socket, head));
  const streamingWsUrl = `${streamingHost.url.replace(/^http/, "ws")}${SIM_STREAMINGWS_PATH}`;

  return {
    url: running.url,
    servers: {
      gateway: `${running.url}${SIM_GATEWAY_PATH}`,
      logon: running.url,
      streaming: `${running.url}${SIM_STREAMING_PATH}`,
      streamingws: streamingWsUrl,
    },
    app: { appKey: settings.appKey, appSecret: settings.appSecret, redirectUri: settings.redirectUri },
    counters,
    probes: loadBalancer.probes,
    arrivals: running.arrivals,
    streamingArrivals: streaming.arrivals,
    streamingWs: {
      url: streamingWsUrl,
      connects: streamingWs.connects,
      counts: streamingWs.counts,
      openSockets: () => streamingWs.openSockets(),
      pushPrice: (uic, change) => streamingWs.pushPrice(uic, change),
      refresh: () => streamingWs.refresh(),
      resetSubscriptions: (referenceIds, contextId) => streamingWs.resetSubscriptions(referenceIds, contextId),
      disconnect: (contextId) => streamingWs.disconnect(contextId),
      dropConnections: () => streamingWs.dropConnections(),
      sendRaw: (bytes, contextId) => streamingWs.sendRaw(bytes, contextId),
      stall: () => streamingWs.stall(),
      setReplayOverlap: (count) => streamingWs.setReplayOverlap(count),
      stateOf: (contextId, referenceId) => streamingWs.stateOf(contextId, referenceId),
    },
    orders: orderBook.orders,
    issueTokens: () => oauth.issueTokens(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    expireStickiness: () => loadBalancer.expireAll(),
    dropNextResponse: (matcher) => new Promise((resolve) => pendingDrops.push({ matcher, resolve })),
    subscriptions: () => [...registry.subscriptions],
    setRetireV1Routes: (retired) => {
      settings.retireV1Routes = retired;
    },
    close: async () => {
      streaming.closeAll();
      streamingWs.close();
      await Promise.all([running.close(), streamingHost.close()]);
    },
  };
}

type SnapshotSource = (session: Pick<SaxoSession, "id">, args: Record<string, unknown>) => Reply;

/** Each subscription resource (`…/subscriptions`) and the GET data its snapshot is taken from. */
function subscriptionSources(
  portfolio: Portfolio,
  delayedMinutes: (session: Pick<SaxoSession, "id">) => number,
): Map<string, SnapshotSource> {
  const asQuery = (args: Record<string, unknown>) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(args)) if (value !== undefined) query.set(name, String(value));
    return query;
  };
  const asUrl = (args: Record<string, unknown>) => new URL(`http://sim/?${asQuery(args)}`);
  const streams: [string, SnapshotSource][] = [
    ["/trade/v1/infoprices", (s, a) => infoPrice(asQuery(a), delayedMinutes(s))],
    ["/trade/v1/prices", (s, a) => infoPrice(asQuery(a), delayedMinutes(s))],
    ["/port/v1/orders", (_s, a) => portfolio.openOrders(asUrl(a))],
    ["/port/v1/positions", (_s, a) => portfolio.positions(asUrl(a))],
    ["/port/v1/netpositions", (_s, a) => portfolio.netPositions(asUrl(a))],
    ["/port/v1/closedpositions", () => ({ status: 200, body: { __count: 0, Data: [] } })],
    ["/port/v1/balances", () => portfolio.balance()],
    ["/ens/v1/activities", () => ({ status: 200, body: { Data: [] } })],
    ["/chart/v3/charts", (_s, a) => chart(asQuery(a), CHART_HORIZONS_V3)],
    ["/root/v1/sessions/events", (s) => portfolio.getCapabilities(s.id)],
  ];
  return new Map(streams.map(([resource, source]) => [`${resource}/subscriptions`, source]));
}

function buildRoutes(
  portfolio: Portfolio,
  orders: OrderBook,
  registry: SubscriptionRegistry,
  delayedMinutes: (session: SaxoSession) => number,
  sources: Map<string, SnapshotSource>,
  onSubscribed: (subscription: SimSubscription, snapshot: unknown) => void,
): Route[] {
  const ordersV2 = "/trade/v2/orders";
  const place = (c: RouteContext) => orders.place(c.req.json, c.session.id);
  const modify = (c: RouteContext) => orders.modify(c.req.json);
  const cancel = (c: RouteContext) =>
    orders.cancel(decodeURIComponent(c.params[0] ?? ""), c.req.url.searchParams.get("AccountKey"));
  const subscriptionRoutes = [...sources].flatMap(([base, snapshot]): Route[] => {
    return [
      route("POST", base, (c) => {
        const reply = registry.create(base, c.session.id, c.req.json, (args) => snapshot(c.session, args));
        const created = reply.body as { ContextId?: string; ReferenceId?: string; Snapshot?: unknown } | undefined;
        const subscription = registry.subscriptions.find(
          (s) => s.resource === base && s.ContextId === created?.ContextId && s.ReferenceId === created?.ReferenceId,
        );
        if (reply.status === 201 && subscription) onSubscribed(subscription, created?.Snapshot);
        return reply;
      }),
      route("DELETE", `${base}/{}`, (c) =>
        registry.remove(
          base,
          c.session.id,
          decodeURIComponent(c.params[0] ?? ""),
          undefined,
          c.req.url.searchParams.get("Tag"),
        ),
      ),
      route("DELETE", `${base}/{}/{}`, (c) =>
        registry.remove(
          base,
          c.session.id,
          decodeURIComponent(c.params[0] ?? ""),
          decodeURIComponent(c.params[1] ?? ""),
        ),
      ),
    ];
  });
  return [
    ...subscriptionRoutes,
    route("GET", "/root/v1/sessions/capabilities", (c) => portfolio.getCapabilities(c.session.id)),
    route("PATCH", "/root/v1/sessions/capabilities", (c) => portfolio.patchCapabilities(c.session.id, c.req.json)),
    route("GET", "/port/v1/users/me", () => portfolio.user()),
    route("GET", "/port/v1/accounts/me", (c) => portfolio.accounts(c.req.url)),
    route("GET", "/port/v1/balances/me", () => portfolio.balance()),
    route("GET", "/port/v1/positions/me", (c) => portfolio.positions(c.req.url)),
    route("GET", "/port/v1/netpositions/me", (c) => portfolio.netPositions(c.req.url)),
    route("GET", "/port/v1/orders/me", (c) => portfolio.openOrders(c.req.url)),
    // After the /me routes: `/port/v1/accounts/{}` and `/port/v1/positions/{}` would otherwise take `me` as an id.
    route("GET", "/port/v1/users", (c) =>
      forClient(c.req.url, () => ({ status: 200, body: { __count: 1, Data: [portfolio.user().body] } })),
    ),
    route("GET", "/port/v1/clients/me", () => myClient()),
    route("GET", "/port/v1/clients/{}", (c) => clientByKey(decodeURIComponent(c.params[0] ?? ""))),
    route("GET", "/port/v1/users/{}", (c) => userByKey(decodeURIComponent(c.params[0] ?? ""))),
    route("GET", "/port/v1/netpositions/{}", (c) =>
      netPositionById(portfolio, decodeURIComponent(c.params[0] ?? ""), c.req.url),
    ),
    route("GET", "/port/v1/orders/{}/{}", (c) =>
      openOrderById(portfolio, decodeURIComponent(c.params[0] ?? ""), decodeURIComponent(c.params[1] ?? ""), c.req.url),
    ),
    route("GET", "/port/v1/accounts", (c) => forClient(c.req.url, () => portfolio.accounts(c.req.url))),
    route("GET", "/port/v1/accounts/{}", (c) => account(decodeURIComponent(c.params[0] ?? ""))),
    route("GET", "/port/v1/balances", (c) => forClient(c.req.url, () => portfolio.balance())),
    route("GET", "/port/v1/positions", (c) => forClient(c.req.url, () => portfolio.positions(c.req.url))),
    route("GET", "/port/v1/positions/{}", (c) =>
      forClient(c.req.url, () => portfolio.position(decodeURIComponent(c.params[0] ?? ""))),
    ),
    route("GET", "/port/v1/netpositions", (c) => forClient(c.req.url, () => portfolio.netPositions(c.req.url))),
    route("GET", "/port/v1/closedpositions/me", () => closedPositions()),
    route("GET", "/port/v1/closedpositions", (c) => forClient(c.req.url, () => closedPositions())),
    route("GET", "/port/v1/closedpositions/{}", (c) =>
      closedPositionById(decodeURIComponent(c.params[0] ?? ""), c.req.url),
    ),
    route("GET", "/port/v1/orders", (c) => forClient(c.req.url, () => portfolio.openOrders(c.req.url))),
    route("GET", "/trade/v1/infoprices/list", (c) => {
      const uics = (c.req.url.searchParams.get("Uics") ?? "").split(",").filter((uic) => uic !== "");
      const prices = uics.map((Uic) => {
        const query = new URLSearchParams(c.req.url.searchParams);
        query.delete("Uics");
        query.set("Uic", Uic);
        return infoPrice(query, delayedMinutes(c.session));
      });
      return prices.find((reply) => reply.status >= 400) ?? { status: 200, body: { Data: prices.map((r) => r.body) } };
    }),
    route("GET", "/ens/v1/activities", () => ({ status: 200, body: { Data: [] } })),
    route("GET", "/ref/v1/exchanges", () => exchanges()),
    route("GET", "/ref/v1/currencies", () => currencies()),
    route("GET", "/ref/v1/timezones", () => timeZones()),
    route("GET", "/root/v1/diagnostics/get", () => diagnosticsEcho()),
    ...["POST", "PUT", "PATCH", "DELETE"].map((verb) =>
      route(verb, `/root/v1/diagnostics/${verb.toLowerCase()}`, () => diagnosticsEcho()),
    ),
    route("GET", "/root/v1/features/availability", () => featureAvailability()),
    route("PUT", "/root/v1/sessions/capabilities", (c) => portfolio.patchCapabilities(c.session.id, c.req.json)),
    route("GET", "/cs/v1/audit/orderactivities", () => ({
      status: 200,
      body: {
        Data: orders.orders.map((order) => ({
          OrderId: order.OrderId,
          AccountKey: order.account.AccountKey,
          ActivityTime: order.OrderTime,
          Status: order.Status,
          Uic: order.Uic,
          AssetType: order.AssetType,
          BuySell: order.BuySell,
          OrderType: order.OrderType,
        })),
      },
    })),
    route("GET", "/ref/v1/instruments", (c) => searchInstruments(c.req.url)),
    route("GET", "/ref/v1/instruments/details", (c) => manyInstrumentDetails(c.req.url)),
    route("GET", "/ref/v1/instruments/details/{}/{}", (c) =>
      instrumentDetails(decodeURIComponent(c.params[0] ?? ""), decodeURIComponent(c.params[1] ?? "")),
    ),
    route("GET", "/trade/v1/infoprices", (c) => infoPrice(c.req.url.searchParams, delayedMinutes(c.session))),
    // Places nothing, so it is neither de-duplicated nor counted as an order by the simulator.
    route("POST", `${ordersV2}/precheck`, (c) => precheckOrder(c.req.json)),
    { ...route("POST", ordersV2, place), order: "place" },
    { ...route("PATCH", ordersV2, modify), order: "modify" },
    { ...route("DELETE", `${ordersV2}/{}`, cancel), order: "cancel" },
    { ...route("POST", "/trade/v1/orders", place), order: "place", successor: () => ordersV2 },
    { ...route("PATCH", "/trade/v1/orders", modify), order: "modify", successor: () => ordersV2 },
    {
      ...route("DELETE", "/trade/v1/orders/{}", cancel),
      order: "cancel",
      successor: (params) => `${ordersV2}/${params[0] ?? ""}`,
    },
    route("GET", "/chart/v3/charts", (c) => chart(c.req.url.searchParams, CHART_HORIZONS_V3)),
    {
      ...route("GET", "/chart/v1/charts", (c) => chart(c.req.url.searchParams, CHART_HORIZONS_V1)),
      successor: () => "/chart/v3/charts",
    },
  ];
}

/** A route from a path template where `{}` is one path segment. */
function route(method: string, template: string, handle: (context: RouteContext) => Reply): Route {
  const source = template
    .split("{}")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("([^/]+)");
  return { method, pattern: new RegExp(`^${source}$`), handle };
}

function findRoute(routes: Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const found = candidate.pattern.exec(path);
    if (found) return { route: candidate, params: found.slice(1) };
  }
  return undefined;
}

function matches(matcher: RequestMatcher, method: string, path: string, fullPath: string): boolean {
  if (typeof matcher === "function") return matcher({ method, path, fullPath });
  if (matcher.method && matcher.method.toUpperCase() !== method) return false;
  if (matcher.path === undefined) return true;
  if (typeof matcher.path === "string") return matcher.path === path || matcher.path === fullPath;
  return matcher.path.test(path) || matcher.path.test(fullPath);
}

function withHeaders(reply: Reply, headers: Record<string, string | string[]>): Reply {
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function writeReply(res: ServerResponse, reply: Reply): void {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    if (Array.isArray(value)) res.setHeader(name, value);
    else plain[name] = value;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, plain);
    res.end();
  } else if (typeof reply.body === "string") {
    res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8", ...plain });
    res.end(reply.body);
  } else {
    sendJson(res, reply.status, reply.body, plain);
  }
}
