/**
 * A local Alpaca: one node:http server on 127.0.0.1 answering the Trading, Market Data and Broker APIs and
 * the client-credentials token endpoint, so tests point every server key of the manifest at `url`.
 * It checks credentials, enforces the per-account quota with X-RateLimit-* headers, rejects reused
 * `client_order_id`s, can retire /v2/clock, streams SSE events with ids, and lets tests drop a response
 * after its action ran or cut an event stream mid-way. Counters record what happened for assertions.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { CorsOptions } from "../cors.js";
import { type Arrival, dropConnection, enableCors, type SimRequest, sendJson, startServer } from "../server.js";
import { AlpacaAuth, type BrokerCredentialRecord, type TradingKeyRecord } from "./auth.js";
import { type AccountStatusChange, type BrokerAccount, brokerRoutes, type LegacyStreamMode } from "./broker-routes.js";
import { EventLog } from "./events.js";
import { type MarketDataOptions, marketDataRoutes } from "./market-data.js";
import { OrderBook, type SimOrder, type TradeUpdate } from "./orders.js";
import { AccountRateLimiter } from "./rate-limit.js";
import { alpacaError, ErrorCode, type Reply, SimHttpError } from "./reply.js";
import { Router } from "./router.js";
import type { RouteContext, SimRoute } from "./routes.js";
import { type AlpacaStreamControls, type AlpacaStreamOptions, startAlpacaStreams } from "./streaming/server.js";
import { type LegacyClockMode, tradingRoutes } from "./trading-routes.js";
import { createUlidFactory } from "./ulid.js";
import { Watchlists } from "./watchlists.js";

export type { LegacyStreamMode } from "./broker-routes.js";
export type { SimOrder } from "./orders.js";
export type { AlpacaStreamCounters } from "./streaming/counters.js";
export type { AlpacaStreamControls, AlpacaStreamOptions } from "./streaming/server.js";
export type { LegacyClockMode } from "./trading-routes.js";

/** Credentials the simulator accepts when the options name none. */
export const ALPACA_SIMULATOR_DEFAULTS = {
  keyId: "PKSIMULATOR0000000001",
  secretKey: "simulator-secret-key-0001",
  oauthToken: "simulator-oauth-access-token",
  brokerKey: "CKSIMULATOR0000000001",
  brokerSecret: "simulator-broker-secret-0001",
} as const;

export interface AlpacaSimulatorOptions {
  /** Answer CORS for pages in a real browser (see cors.ts). Off by default. */
  cors?: CorsOptions;
  /** Trading/Market Data key pairs; each gets its own trading account (and quota). */
  keys?: { keyId: string; secretKey: string }[];
  /** OAuth access tokens accepted on Trading/Market Data, all for the first key's account. */
  oauthTokens?: string[];
  /** Broker partners: key and secret for HTTP Basic, also client_id and client_secret for the token endpoint. */
  brokerCredentials?: { key: string; secret: string }[];
  /** Lifetime (`expires_in`) of client-credentials tokens. Default 900 s. */
  tokenTtlSeconds?: number;
  /** Requests per window per account. Default Alpaca's 200 per 60 000 ms. */
  rateLimit?: { limit?: number; windowMs?: number };
  /** How /v2/clock answers: 410 `gone` (default), 404 `not-found`, or `available`. */
  legacyClock?: LegacyClockMode;
  /** Whether legacy /v1/events/trades streams (`available`, default) or answers 410 (`gone`). */
  legacyTradeEvents?: LegacyStreamMode;
  /** Cash of each trading account and of the seeded broker account. Default 100 000. */
  startingCash?: number;
  marketData?: Partial<MarketDataOptions>;
  /** The WebSocket streams: connection and symbol limits, feeds of the plan, automatic data rounds. */
  streams?: AlpacaStreamOptions;
  sse?: {
    /** Interval of `: heartbeat` comments. Default 10 000 ms. */
    heartbeatMs?: number;
    /** Also send `id:` lines (Alpaca puts ids in the JSON only). Default false. */
    idLines?: boolean;
    /** Whether since_id / since_ulid include the named event. Default false (strictly after). */
    sinceInclusive?: boolean;
  };
}

export interface AlpacaSimulatorCounters {
  /** Requests per route, keyed `METHOD /template`, e.g. `POST /v2/orders`. Rejected ones included. */
  requests: Record<string, number>;
  /** Requests for paths the simulator does not serve. */
  notFound: number;
  unauthorized: number;
  rateLimited: number;
  /** Calls to POST /v1/oauth2/token, and how many of them issued a token. */
  tokenRequests: number;
  tokensIssued: number;
  /** Orders accepted (creates only; replacements are not counted). */
  ordersCreated: number;
  droppedResponses: number;
  sseConnections: number;
  sseForcedDisconnects: number;
}

/** Which requests `dropNextResponse` applies to. A string path matches the concrete path or the route template. */
export type DropMatcher =
  | { method?: string; path: string | RegExp }
  | ((request: { method: string; path: string; route: string | undefined }) => boolean);

export interface AlpacaSimulator {
  url: string;
  /** The first accepted credential of each kind. */
  credentials: {
    keyId: string;
    secretKey: string;
    oauthToken: string | undefined;
    brokerKey: string;
    brokerSecret: string;
  };
  /** Trading account of the first key pair (and of the OAuth tokens). */
  tradingAccountId: string;
  /** The ACTIVE customer account seeded for the first broker partner. */
  brokerAccountId: string;
  counters: AlpacaSimulatorCounters;
  /** The WebSocket streams on the same port: URLs, counters and fault controls. */
  streams: AlpacaStreamControls;
  arrivals: readonly Arrival[];
  requestsTo(route: string): number;
  /** Orders of an account (default: the first trading account), oldest first. */
  orders(accountId?: string): SimOrder[];
  /** Fills a resting (limit/stop) order now. */
  fillOrder(orderId: string, accountId?: string): SimOrder;
  /** Moves a broker account to `status`, logging an account status event. */
  setAccountStatus(accountId: string, status: string): void;
  /** The next `times` matching requests run their action, then lose their connection without an answer. */
  dropNextResponse(matcher: DropMatcher, times?: number): void;
  /** The next SSE connection (to `path`, if given) is cut after `events` events. */
  forceDisconnectAfter(events: number, path?: string): void;
  setLegacyClock(mode: LegacyClockMode): void;
  setLegacyTradeEvents(mode: LegacyStreamMode): void;
  /** Expires every client-credentials token, so the next broker call with one gets a 401. */
  expireTokens(): void;
  close(): Promise<void>;
}

export async function startAlpacaSimulator(options: AlpacaSimulatorOptions = {}): Promise<AlpacaSimulator> {
  const keys: TradingKeyRecord[] = (
    options.keys ?? [{ keyId: ALPACA_SIMULATOR_DEFAULTS.keyId, secretKey: ALPACA_SIMULATOR_DEFAULTS.secretKey }]
  ).map((k) => ({ ...k, accountId: randomUUID() }));
  const partners: BrokerCredentialRecord[] = (
    options.brokerCredentials ?? [
      { key: ALPACA_SIMULATOR_DEFAULTS.brokerKey, secret: ALPACA_SIMULATOR_DEFAULTS.brokerSecret },
    ]
  ).map((c) => ({ ...c, partnerId: `partner-${randomUUID()}` }));
  const firstKey = keys[0];
  const firstPartner = partners[0];
  if (!firstKey) throw new Error("alpaca simulator: options.keys must name at least one key pair");
  if (!firstPartner) throw new Error("alpaca simulator: options.brokerCredentials must name at least one partner");
  const oauthTokens = options.oauthTokens ?? [ALPACA_SIMULATOR_DEFAULTS.oauthToken];
  const startingCash = options.startingCash ?? 100_000;

  const counters: AlpacaSimulatorCounters = {
    requests: {},
    notFound: 0,
    unauthorized: 0,
    rateLimited: 0,
    tokenRequests: 0,
    tokensIssued: 0,
    ordersCreated: 0,
    droppedResponses: 0,
    sseConnections: 0,
    sseForcedDisconnects: 0,
  };
  let closed = false;
  let legacyClock: LegacyClockMode = options.legacyClock ?? "gone";
  let legacyTradeEvents: LegacyStreamMode = options.legacyTradeEvents ?? "available";
  const drops: { matcher: DropMatcher; remaining: number }[] = [];
  const forcedDisconnects: { events: number; path: string | undefined }[] = [];

  const auth = new AlpacaAuth(
    keys,
    new Map(oauthTokens.map((token) => [token, firstKey.accountId])),
    partners,
    options.tokenTtlSeconds ?? 900,
    Date.now,
  );
  const limiter = new AccountRateLimiter({
    limit: options.rateLimit?.limit ?? 200,
    windowMs: options.rateLimit?.windowMs ?? 60_000,
  });
  const nextUlid = createUlidFactory();
  const tradeLog = new EventLog<TradeUpdate>(nextUlid);
  const statusLog = new EventLog<AccountStatusChange>(nextUlid);
  // Set once the WebSocket side is up (it needs the server); order events reach its trading stream.
  let streamTradeUpdate: (update: TradeUpdate) => void = () => {};
  const book = new OrderBook(
    (update) => {
      tradeLog.append(update.accountId, update.at, update);
      streamTradeUpdate(update);
    },
    () => new Date(),
  );

  const accountNumbers = new Map<string, string>();
  keys.forEach((k, i) => {
    book.openAccount(k.accountId, startingCash);
    accountNumbers.set(k.accountId, `PA${String(3_000_000_000 + i)}`);
  });
  const brokerAccounts = new Map<string, BrokerAccount>();
  for (const partner of partners) {
    const account = seededBrokerAccount(partner.partnerId);
    brokerAccounts.set(account.id, account);
    book.openAccount(account.id, partner === firstPartner ? startingCash : 0);
  }
  const brokerAccountId = [...brokerAccounts.values()][0]?.id as string;

  const setStatus = (account: BrokerAccount, status: string) => {
    if (closed) return;
    const from = account.status;
    account.status = status;
    statusLog.append(account.id, new Date(), {
      account_number: account.account_number,
      status_from: from,
      status_to: status,
    });
  };

  const router = new Router<SimRoute>();
  const routes: SimRoute[] = [
    ...tradingRoutes({
      book,
      watchlists: new Watchlists(),
      accountNumbers,
      accountCreatedAt: new Date().toISOString(),
      legacyClock: () => legacyClock,
      onOrderCreated: () => counters.ordersCreated++,
    }),
    ...marketDataRoutes({
      pointsPerSymbol: options.marketData?.pointsPerSymbol ?? 25,
      newsArticles: options.marketData?.newsArticles ?? 30,
    }),
    ...brokerRoutes({
      book,
      accounts: brokerAccounts,
      tradeLog,
      statusLog,
      legacyTradeEvents: () => legacyTradeEvents,
      onOrderCreated: () => counters.ordersCreated++,
      setStatus,
      sse: {
        heartbeatMs: options.sse?.heartbeatMs ?? 10_000,
        idLines: options.sse?.idLines ?? false,
        sinceInclusive: options.sse?.sinceInclusive ?? false,
        takeForcedDisconnect: (path) => {
          const index = forcedDisconnects.findIndex((f) => f.path === undefined || f.path === path);
          if (index < 0) return undefined;
          const [armed] = forcedDisconnects.splice(index, 1);
          return armed?.events;
        },
        onConnection: () => counters.sseConnections++,
        onForcedDisconnect: () => counters.sseForcedDisconnects++,
      },
    }),
  ];
  for (const route of routes) router.add(route);

  /** True when a pending drop matches; consumes one use of it. */
  const takeDrop = (req: SimRequest, template: string | undefined): boolean => {
    const index = drops.findIndex(({ matcher }) => {
      if (typeof matcher === "function") return matcher({ method: req.method, path: req.path, route: template });
      if (matcher.method && matcher.method.toUpperCase() !== req.method) return false;
      if (matcher.path instanceof RegExp) return matcher.path.test(req.path);
      return matcher.path === req.path || matcher.path === template;
    });
    if (index < 0) return false;
    const drop = drops[index] as (typeof drops)[number];
    if (--drop.remaining <= 0) drops.splice(index, 1);
    counters.droppedResponses++;
    return true;
  };

  const server = await startServer(async (req, res) => {
    if (req.method === "POST" && req.path === "/v1/oauth2/token") {
      counters.requests["POST /v1/oauth2/token"] = (counters.requests["POST /v1/oauth2/token"] ?? 0) + 1;
      counters.tokenRequests++;
      const reply = auth.issueToken(req);
      if (reply.status === 200) counters.tokensIssued++;
      answer(res, reply, takeDrop(req, "/v1/oauth2/token"));
      return;
    }
    const match = router.match(req.method, req.path);
    if (match === undefined || match === "method-not-allowed") {
      counters.notFound++;
      const reply =
        match === undefined
          ? alpacaError(404, ErrorCode.notFound, `endpoint not found: ${req.method} ${req.path}`)
          : alpacaError(405, ErrorCode.methodNotAllowed, `method ${req.method} is not allowed on ${req.path}`);
      answer(res, reply, takeDrop(req, undefined));
      return;
    }
    const { route, key, params } = match;
    counters.requests[key] = (counters.requests[key] ?? 0) + 1;

    let rateHeaders: Record<string, string> = {};
    try {
      const caller = auth.authenticate(req, route.api, route.anonymous === true);
      const decision = limiter.take(caller.bucket, Date.now());
      rateHeaders = decision.headers;
      if (!decision.allowed) {
        counters.rateLimited++;
        throw new SimHttpError(alpacaError(429, ErrorCode.rateLimited, "rate limit exceeded"));
      }
      const context: RouteContext = { req, params, query: req.url.searchParams, caller };
      if (route.stream) {
        if (takeDrop(req, route.template)) {
          dropConnection(res);
          return;
        }
        route.stream(context, res, rateHeaders);
        return;
      }
      answer(res, withHeaders(route.handle(context), rateHeaders), takeDrop(req, route.template));
    } catch (error) {
      if (!(error instanceof SimHttpError)) throw error;
      if (error.reply.status === 401 || error.reply.status === 403) counters.unauthorized++;
      answer(res, withHeaders(error.reply, rateHeaders), takeDrop(req, route.template));
    }
  });
  if (options.cors) enableCors(server, options.cors);

  const streams = startAlpacaStreams(
    {
      server: server.server,
      url: server.url,
      accounts: {
        ofKeyPair: (key, secret) => auth.accountOfKeyPair(key, secret),
        ofOAuthToken: (token) => auth.accountOfOAuthToken(token),
      },
    },
    options.streams,
  );
  streamTradeUpdate = streams.onTradeUpdate;

  return {
    url: server.url,
    streams: streams.controls,
    credentials: {
      keyId: firstKey.keyId,
      secretKey: firstKey.secretKey,
      oauthToken: oauthTokens[0],
      brokerKey: firstPartner.key,
      brokerSecret: firstPartner.secret,
    },
    tradingAccountId: firstKey.accountId,
    brokerAccountId,
    counters,
    arrivals: server.arrivals,
    requestsTo: (route) => counters.requests[route] ?? 0,
    orders: (accountId = firstKey.accountId) => book.orders(accountId),
    fillOrder: (orderId, accountId = firstKey.accountId) => book.fill(accountId, orderId),
    setAccountStatus: (accountId, status) => {
      const account = brokerAccounts.get(accountId);
      if (!account) throw new Error(`alpaca simulator: no broker account ${accountId}`);
      setStatus(account, status);
    },
    dropNextResponse: (matcher, times = 1) => {
      if (!Number.isInteger(times) || times < 1)
        throw new Error(`alpaca simulator: times must be a positive integer, got ${times}`);
      drops.push({ matcher, remaining: times });
    },
    forceDisconnectAfter: (events, path) => {
      if (!Number.isInteger(events) || events < 0) {
        throw new Error(`alpaca simulator: forceDisconnectAfter needs a non-negative integer, got ${events}`);
      }
      forcedDisconnects.push({ events, path });
    },
    setLegacyClock: (mode) => {
      legacyClock = mode;
    },
    setLegacyTradeEvents: (mode) => {
      legacyTradeEvents = mode;
    },
    expireTokens: () => auth.expireTokens(),
    close: async () => {
      closed = true;
      await streams.close();
      await server.close();
    },
  };
}

const withHeaders = (reply: Reply, headers: Record<string, string>): Reply => ({
  ...reply,
  headers: { ...headers, ...reply.headers },
});

/** Sends the reply, or drops the connection when `drop` is set (the action has already run). */
function answer(res: ServerResponse, reply: Reply, drop: boolean): void {
  if (drop) {
    dropConnection(res);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, reply.headers ?? {});
    res.end();
    return;
  }
  sendJson(res, reply.status, reply.body, reply.headers);
}

function seededBrokerAccount(partnerId: string): BrokerAccount {
  return {
    id: randomUUID(),
    partnerId,
    account_number: "920964623",
    status: "ACTIVE",
    created_at: new Date().toISOString(),
    contact: {
      email_address: "ada.lovelace@example.test",
      phone_number: "+15555550100",
      street_address: ["20 N San Mateo Dr"],
      city: "San Mateo",
      state: "CA",
      postal_code: "94401",
      country: "USA",
    },
    identity: {
      given_name: "Ada",
      family_name: "Lovelace",
      date_of_birth: "1990-12-10",
      tax_id_type: "USA_SSN",
      country_of_citizenship: "USA",
      country_of_tax_residence: "USA",
      funding_source: ["employment_income"],
    },
    disclosures: {
      is_control_person: false,
      is_affiliated_exchange_or_finra: false,
      is_politically_exposed: false,
      immediate_family_exposed: false,
    },
    agreements: [{ agreement: "customer_agreement", signed_at: "2024-01-02T15:04:05Z", ip_address: "127.0.0.1" }],
    account_type: "trading",
    enabled_assets: ["us_equity"],
  };
}
