/**
 * An ALOR Broker simulator: one node:http server on 127.0.0.1 that answers both ALOR's API paths and the
 * OAuth host's POST /refresh (point both the `api` and `oauth` servers at `sim.url`). It behaves like ALOR
 * where clients can go wrong:
 * - JWTs from POST /refresh expire after `tokenLifetimeMs`; an expired, forged or missing JWT gets 401
 *   (stricter than ALOR, which serves some market data anonymously with a delay: a client that forgets
 *   its token should notice);
 * - more than `rateLimit` requests of one user (JWT `sub`) in any sliding `rateWindowMs` get 429 with Retry-After;
 * - order commands are deduplicated by X-REQID: a repeated key returns the first outcome and creates nothing;
 * - `dropNextResponse` processes a request, then cuts the connection without answering (an ambiguous outcome).
 * WebSockets on the same port: `/ws` (data) and `/cws` (commands), with their fault controls as `sim.ws`.
 */
import type { ServerResponse } from "node:http";
import type { CorsOptions } from "../cors.js";
import {
  type Arrival,
  dropConnection,
  enableCors,
  type RunningServer,
  type SimRequest,
  startServer,
} from "../server.js";
import { Accounts, type AlorSimUser, DEFAULT_ALOR_USER } from "./accounts.js";
import { commandRoutes } from "./command-routes.js";
import { groupRoutes } from "./group-routes.js";
import { json, matchPath, type Reply, SimHttpError, send } from "./http.js";
import { marketRoutes } from "./market-routes.js";
import { OrderGroups } from "./order-groups.js";
import { portfolioRoutes } from "./portfolio-routes.js";
import { SlidingWindowLimiter } from "./rate-limiter.js";
import { RequestIdStore } from "./request-ids.js";
import type { AlorWorld, Route } from "./route.js";
import { ObservableTrading } from "./streaming/observable-trading.js";
import { type AlorWsControls, startAlorWebSockets } from "./streaming/server.js";
import { exchangeRefreshToken } from "./token-exchange.js";
import { TokenIssuer } from "./tokens.js";
import type { AnyOrder } from "./trading.js";

const ROUTES = [...marketRoutes, ...portfolioRoutes, ...commandRoutes, ...groupRoutes];

/** Every operation the simulator serves, named by the operationIds of specs/alor/warp.yaml. */
export type AlorOperationId = "exchangeRefreshToken" | (typeof ROUTES)[number]["operationId"];

export interface AlorSimulatorOptions {
  /** Answer CORS for pages in a real browser (see cors.ts). Off by default. */
  cors?: CorsOptions;
  /** JWT lifetime. Default 30 minutes, like ALOR's. */
  tokenLifetimeMs?: number;
  /** Requests per user admitted in any sliding window. Default 100 (ALOR's limit). */
  rateLimit?: number;
  /** The sliding window. Default 1000 ms. */
  rateWindowMs?: number;
  /** Users with their refresh tokens and portfolios. Default: one user, DEFAULT_ALOR_USER. */
  users?: AlorSimUser[];
  /**
   * How a repeated X-REQID is answered. "first-result" (default): the first request's status and body again.
   * "already-handled": 400 `{ message, oldResponse: { statusCode, body } }`, the shape ALOR's spec documents.
   */
  duplicateRequestAnswer?: "first-result" | "already-handled";
  /** Status for a refresh token ALOR does not accept. Default 403, as ALOR's spec documents. */
  refreshRejectStatus?: number;
}

export interface AlorSimCounters {
  /** Successful POST /refresh exchanges. */
  tokenExchanges: number;
  /** Refused POST /refresh exchanges. */
  tokenRejections: number;
  /** API requests answered 401. */
  unauthorized: number;
  /** API requests answered 429. */
  rateLimited: number;
  /** Orders of any kind created (a repeated X-REQID creates none). */
  readonly ordersCreated: number;
  /** Commands answered from the X-REQID store. */
  duplicateRequests: number;
  /** Responses cut off by dropNextResponse. */
  droppedResponses: number;
  /** Requests per operation, whatever their outcome. */
  requests: Record<AlorOperationId, number>;
}

/** Which response to drop: by method, path or operationId (all given must match), or a predicate. */
export type ResponseMatcher =
  | { method?: string; path?: string | RegExp; operationId?: AlorOperationId }
  | ((req: SimRequest, operationId: AlorOperationId | undefined) => boolean);

export interface AlorSimulator {
  /** Base URL for both the API and the OAuth host, e.g. http://127.0.0.1:40123. */
  url: string;
  /** The first configured user (DEFAULT_ALOR_USER unless `users` was given). */
  user: AlorSimUser;
  /** That user's refresh token. */
  refreshToken: string;
  counters: AlorSimCounters;
  /** Every request that reached the server, with its server-side arrival time (performance.now()). */
  arrivals: Arrival[];
  /** Every order created, in creation order, in ALOR's shape (market, limit, stop and stop-limit). */
  readonly orders: readonly AnyOrder[];
  /** Processes the next matching request, then destroys the socket instead of answering (`times` such requests). */
  dropNextResponse(matcher: ResponseMatcher, times?: number): void;
  /** Makes every JWT issued so far answer 401. */
  revokeAccessTokens(): void;
  /** The WebSocket side (`/ws` and `/cws` on this port): URLs, counters and fault controls. */
  ws: AlorWsControls;
  close(): Promise<void>;
}

const literalSegments = (pattern: string) => pattern.split("/").filter((s) => s && !s.startsWith("{")).length;

const ALREADY_HANDLED = "Request with such X-REQID was already handled. We return the response to that request.";

export async function startAlorSimulator(options: AlorSimulatorOptions = {}): Promise<AlorSimulator> {
  const users = options.users ?? [DEFAULT_ALOR_USER];
  const first = users[0];
  if (!first) throw new Error("ALOR simulator: `users` must name at least one user");
  const lifetimeMs = options.tokenLifetimeMs ?? 30 * 60_000;
  if (!(lifetimeMs > 0)) throw new Error(`ALOR simulator: tokenLifetimeMs must be positive, got ${lifetimeMs}`);
  const duplicateAnswer = options.duplicateRequestAnswer ?? "first-result";
  const refreshRejectStatus = options.refreshRejectStatus ?? 403;

  const clock = () => new Date();
  const accounts = new Accounts(users);
  const trading = new ObservableTrading(accounts, clock);
  const groups = new OrderGroups(trading, clock);
  trading.onFinished = (order) => groups.orderFinished(order);
  const tokens = new TokenIssuer(users, lifetimeMs, (login) => accounts.user(login));
  const world: AlorWorld = { accounts, trading, groups };
  const limiter = new SlidingWindowLimiter(options.rateLimit ?? 100, options.rateWindowMs ?? 1000);
  const requestIds = new RequestIdStore();
  const drops: { matcher: ResponseMatcher; left: number }[] = [];

  const requests = Object.fromEntries(
    ["exchangeRefreshToken", ...ROUTES.map((r) => r.operationId)].map((id) => [id, 0]),
  ) as Record<AlorOperationId, number>;
  const counters: AlorSimCounters = {
    tokenExchanges: 0,
    tokenRejections: 0,
    unauthorized: 0,
    rateLimited: 0,
    get ordersCreated() {
      return trading.created.length;
    },
    duplicateRequests: 0,
    droppedResponses: 0,
    requests,
  };

  function shouldDrop(req: SimRequest, operationId: AlorOperationId | undefined): boolean {
    const index = drops.findIndex(({ matcher }) =>
      typeof matcher === "function"
        ? matcher(req, operationId)
        : (!matcher.method || matcher.method.toUpperCase() === req.method) &&
          (!matcher.operationId || matcher.operationId === operationId) &&
          (!matcher.path ||
            (typeof matcher.path === "string" ? matcher.path === req.path : matcher.path.test(req.path))),
    );
    if (index < 0) return false;
    const drop = drops[index] as (typeof drops)[number];
    if (--drop.left === 0) drops.splice(index, 1);
    return true;
  }

  function answer(res: ServerResponse, req: SimRequest, operationId: AlorOperationId | undefined, reply: Reply) {
    if (shouldDrop(req, operationId)) {
      counters.droppedResponses++;
      dropConnection(res);
      return;
    }
    send(res, reply);
  }

  function run(handle: () => Reply): Reply {
    try {
      return handle();
    } catch (error) {
      if (error instanceof SimHttpError) return error.reply;
      return json({ message: `simulator error: ${error instanceof Error ? error.message : String(error)}` }, 500);
    }
  }

  function serve(req: SimRequest, arrivedAt: number, matched: { route: Route; params: Record<string, string> }): Reply {
    const { route, params } = matched;
    const check = tokens.check(req.headers.authorization);
    if (!check.ok) {
      counters.unauthorized++;
      return json({ message: `JWT ${check.reason}` }, 401, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const login = check.user.login;
    const admission = limiter.admit(login, arrivedAt);
    if (!admission.ok) {
      counters.rateLimited++;
      const retryAfter = String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000)));
      return json({ message: `more than ${limiter.limit} requests in ${limiter.windowMs} ms` }, 429, {
        "retry-after": retryAfter,
      });
    }
    const handle = () => route.handle({ req, params, query: req.url.searchParams, world, caller: check, now: clock() });
    if (!route.command) return run(handle);
    const header = req.headers["x-reqid"] ?? req.headers["x-alor-reqid"];
    const requestId = Array.isArray(header) ? header[0] : header;
    if (!requestId) {
      return route.method === "DELETE" ? run(handle) : json({ message: "header X-REQID is required" }, 400);
    }
    const earlier = requestIds.recall(login, requestId);
    if (earlier) {
      counters.duplicateRequests++;
      if (duplicateAnswer === "first-result") return earlier;
      return json({ message: ALREADY_HANDLED, oldResponse: { statusCode: earlier.status, body: earlier.body } }, 400);
    }
    const reply = run(handle);
    if (reply.status < 500) requestIds.remember(login, requestId, reply);
    return reply;
  }

  const server: RunningServer = await startServer((req, res) => {
    const arrivedAt = performance.now();
    if (req.path.toLowerCase() === "/refresh") {
      requests.exchangeRefreshToken++;
      const outcome = exchangeRefreshToken(req, tokens, refreshRejectStatus);
      if (outcome.issued) counters.tokenExchanges++;
      else counters.tokenRejections++;
      answer(res, req, "exchangeRefreshToken", outcome.reply);
      return;
    }
    const candidates = ROUTES.flatMap((route) => {
      const params = matchPath(route.pattern, req.path);
      return params ? [{ route, params }] : [];
    });
    // The most literal pattern wins: /md/v2/Securities/{symbols}/quotes over /md/v2/Securities/{exchange}/{symbol}.
    const chosen = candidates
      .filter(({ route }) => route.method === req.method)
      .sort((a, b) => literalSegments(b.route.pattern) - literalSegments(a.route.pattern))[0];
    if (chosen) {
      requests[chosen.route.operationId]++;
      answer(res, req, chosen.route.operationId, serve(req, arrivedAt, chosen));
      return;
    }
    const reply = candidates.length
      ? json({ message: `${req.method} is not allowed on ${req.path}` }, 405)
      : json({ message: `no ALOR route ${req.method} ${req.path}` }, 404);
    answer(res, req, undefined, reply);
  });
  if (options.cors) enableCors(server, options.cors);

  const webSockets = startAlorWebSockets({ server: server.server, url: server.url, tokens, world, trading, limiter });

  return {
    url: server.url,
    user: first,
    refreshToken: first.refreshToken,
    counters,
    arrivals: server.arrivals,
    get orders() {
      return trading.created;
    },
    dropNextResponse(matcher, times = 1) {
      if (!Number.isInteger(times) || times < 1) throw new Error(`dropNextResponse: times must be ≥ 1, got ${times}`);
      drops.push({ matcher, left: times });
    },
    revokeAccessTokens: () => tokens.revokeAll(),
    ws: webSockets.controls,
    close: async () => {
      await webSockets.close();
      await server.close();
    },
  };
}
