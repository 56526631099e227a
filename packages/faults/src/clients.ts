/**
 * The three generated clients, pointed at a simulator through the fault proxy, each reduced to the two
 * calls the fault suites make: a safe GET and an order POST tagged with a marker (ALOR `comment`, Alpaca
 * `client_order_id`, Saxo `ExternalReference`), so the simulator's order list shows whether one logical
 * order was ever created twice. Non-2xx answers become typed errors where the broker package has a
 * helper for it (ALOR `unwrap`, Alpaca `submitOrder`); otherwise the status is returned as data.
 */
import { randomUUID } from "node:crypto";
import { createAlorClient, unwrap } from "@brokerkit/alor";
import { createTradingClient, submitOrder } from "@brokerkit/alpaca/trading";
import type { BrokerClientOptions, BrokerRuntime, DebugLogger, Observer, RateLimitRule } from "@brokerkit/middleware";
import { createSaxoClient } from "@brokerkit/saxo";
import { type AttemptShape, type CallBound, requestBoundMs, requestTimers, type Tuning } from "./bounds.js";

export type BrokerName = "alor" | "alpaca" | "saxo";
export type CallKind = "get" | "order";

/** How to reach a broker's simulator (through the proxy at `url`) and as whom. */
export type BrokerAccess =
  | { broker: "alor"; url: string; refreshToken: string; portfolio: string }
  | { broker: "alpaca"; url: string; keyId: string; secretKey: string }
  | { broker: "saxo"; url: string; clientId: string; refreshToken: string; accountKey: string };

export interface BrokerCalls {
  broker: BrokerName;
  /** Resolves to the final HTTP status of the call; throws what the client throws. */
  get(): Promise<number>;
  order(marker: string): Promise<number>;
  /** The client's rate-limit rules, as its manifest declares them (the soak keeps each client within them). */
  rateLimits: readonly RateLimitRule[];
  /** Calls waiting in the client's throttle for a slot now (0 without a throttle). */
  throttleWaiting(): number;
}

/** Pathnames as the proxy sees them, for its rules. */
export const PATHS: Record<BrokerName, { get: string; order: string; token: string | undefined }> = {
  alor: { get: "/md/v2/time", order: "/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", token: "/refresh" },
  alpaca: { get: "/v2/account", order: "/v2/orders", token: undefined },
  saxo: { get: "/sim/openapi/port/v1/balances/me", order: "/sim/openapi/trade/v2/orders", token: "/token" },
};

const SAXO_GATEWAY = "/sim/openapi";
const SAXO_STREAMING = "/sim/oapi/streaming";
/** Alpaca's submitOrder: at most 2 POSTs, each followed by at most one lookup after a 200 ms pause. */
const ALPACA_SUBMISSIONS = 2;
const ALPACA_LOOKUP_DELAY_MS = 200;

/** Client options common to every broker. `maxResponseBytes` is new in the middleware, hence the loose type. */
function commonOptions(tuning: Tuning, observer: Observer, logger: DebugLogger | undefined) {
  const options: Partial<BrokerClientOptions> & { maxResponseBytes: number } = {
    observer,
    ...(logger ? { logger } : {}),
    timeoutMs: tuning.timeoutMs,
    retry: { attempts: tuning.attempts, baseDelayMs: tuning.baseDelayMs, maxDelayMs: tuning.maxDelayMs },
    maxResponseBytes: tuning.maxResponseBytes,
  };
  return options;
}

/** `logger` receives the middleware's debug line of every attempt (the soak's per-call timelines). */
export function brokerCalls(
  access: BrokerAccess,
  tuning: Tuning,
  observer: Observer,
  logger?: DebugLogger,
): BrokerCalls {
  switch (access.broker) {
    case "alor":
      return alorCalls(access, tuning, observer, logger);
    case "alpaca":
      return alpacaCalls(access, tuning, observer, logger);
    case "saxo":
      return saxoCalls(access, tuning, observer, logger);
  }
}

/** What every broker's calls report about the client's throttle. */
function throttleOf(runtime: BrokerRuntime): Pick<BrokerCalls, "rateLimits" | "throttleWaiting"> {
  return {
    rateLimits: runtime.config.rateLimits,
    throttleWaiting: () => runtime.throttle?.stats().waiting ?? 0,
  };
}

function alorCalls(
  access: Extract<BrokerAccess, { broker: "alor" }>,
  tuning: Tuning,
  observer: Observer,
  logger: DebugLogger | undefined,
) {
  const client = createAlorClient({
    ...commonOptions(tuning, observer, logger),
    environment: "test",
    credentials: { refreshToken: access.refreshToken },
    servers: { api: access.url, oauth: access.url },
    cache: false,
  });
  return {
    broker: "alor",
    ...throttleOf(client.runtime),
    get: async () => {
      await unwrap(client.GET("/md/v2/time"));
      return 200;
    },
    order: async (marker) => {
      await unwrap(
        client.POST("/commandapi/warptrans/TRADE/v2/client/orders/actions/limit", {
          params: { header: { "X-REQID": randomUUID() } },
          body: {
            side: "buy",
            quantity: 1,
            price: 250,
            instrument: { symbol: "SBER", exchange: "MOEX", instrumentGroup: "TQBR" },
            user: { portfolio: access.portfolio },
            allowMargin: false,
            comment: marker,
          },
        }),
      );
      return 200;
    },
  } satisfies BrokerCalls;
}

function alpacaCalls(
  access: Extract<BrokerAccess, { broker: "alpaca" }>,
  tuning: Tuning,
  observer: Observer,
  logger: DebugLogger | undefined,
) {
  const client = createTradingClient({
    ...commonOptions(tuning, observer, logger),
    environment: "paper",
    credentials: { keyId: access.keyId, secretKey: access.secretKey },
    servers: { trading: access.url, data: access.url, broker: access.url, authx: access.url },
  });
  return {
    broker: "alpaca",
    ...throttleOf(client.runtime),
    get: async () => (await client.GET("/v2/account")).response.status,
    order: async (marker) => {
      await submitOrder(client, {
        symbol: "AAPL",
        qty: "1",
        side: "buy",
        type: "limit",
        limit_price: "150",
        time_in_force: "day",
        client_order_id: marker,
      });
      return 200;
    },
  } satisfies BrokerCalls;
}

function saxoCalls(
  access: Extract<BrokerAccess, { broker: "saxo" }>,
  tuning: Tuning,
  observer: Observer,
  logger: DebugLogger | undefined,
) {
  const client = createSaxoClient({
    ...commonOptions(tuning, observer, logger),
    environment: "sim",
    servers: { gateway: access.url + SAXO_GATEWAY, logon: access.url, streaming: access.url + SAXO_STREAMING },
    credentials: { clientId: access.clientId, refreshToken: access.refreshToken },
  });
  return {
    broker: "saxo",
    ...throttleOf(client.runtime),
    get: async () => (await client.GET("/port/v1/balances/me")).response.status,
    order: async (marker) =>
      (
        await client.POST("/trade/v2/orders", {
          body: {
            AccountKey: access.accountKey,
            Uic: 21,
            AssetType: "FxSpot",
            BuySell: "Buy",
            Amount: 100_000,
            OrderType: "Limit",
            OrderPrice: 1.05,
            OrderDuration: { DurationType: "GoodTillCancel" },
            ManualOrder: false,
            ExternalReference: marker,
          },
        })
      ).response.status,
  } satisfies BrokerCalls;
}

/** Requests below the retry layer per attempt: the call and the auth layer's replay after a 401. */
const AUTH_SENDS = 2;
/** Saxo's services the fault suites call (port for GETs, trade for orders): a probe may wait for the other's. */
const SAXO_SERVICES = 2;

/** What one attempt may do (see AttemptShape); Alpaca's trading keys need no token exchange. */
export function attemptShape(broker: BrokerName): AttemptShape {
  switch (broker) {
    case "alor":
      return { requests: AUTH_SENDS, tokenExchanges: 2 };
    case "alpaca":
      return { requests: 1, tokenExchanges: 0 };
    case "saxo": {
      // Each send: the probes of every service ahead of it, then the request; again after a lost session.
      const stickyPath = SAXO_SERVICES + 1;
      return { requests: AUTH_SENDS * 2 * stickyPath, tokenExchanges: 2 };
    }
  }
}

/**
 * The stated bound of one call before the event-loop margin: its requests with their retries, what the
 * scenario adds (`extraMs`: pauses, throttle admissions) and, for Alpaca's submitOrder, its two POSTs,
 * two lookups and the pauses before them.
 */
export function callBound(broker: BrokerName, kind: CallKind, tuning: Tuning, extraMs = 0): CallBound {
  const shape = attemptShape(broker);
  const one = requestBoundMs(tuning, shape);
  const timers = requestTimers(tuning, shape);
  if (broker === "alpaca" && kind === "order") {
    const requests = 2 * ALPACA_SUBMISSIONS;
    return {
      boundMs: requests * one + ALPACA_SUBMISSIONS * ALPACA_LOOKUP_DELAY_MS + extraMs,
      timers: requests * timers + ALPACA_SUBMISSIONS,
    };
  }
  return { boundMs: one + extraMs, timers };
}

/**
 * Requests one call sends through its client's throttle, at most: every attempt takes a slot (Saxo's
 * probes and replays and the auth layer's replay run below the throttle and take none); Alpaca's
 * submitOrder makes two POSTs and two lookups.
 */
export function throttledSends(broker: BrokerName, kind: CallKind, tuning: Tuning): number {
  return broker === "alpaca" && kind === "order" ? 2 * ALPACA_SUBMISSIONS * tuning.attempts : tuning.attempts;
}

/**
 * The most requests one client may send per window of its rules that hold every call (rules for some
 * methods only, Saxo's one order per second, are waited for instead: see orderAdmissionMs).
 */
export function sendBudget(rules: readonly RateLimitRule[]): number {
  let budget = Number.POSITIVE_INFINITY;
  for (const rule of rules) if (!rule.methods?.length) budget = Math.min(budget, rule.limit);
  return budget;
}

/**
 * How long an order may wait for admission under the rules for order methods alone (Saxo: one per
 * second): one interval behind the client's previous order, and one before each of its own attempts.
 */
export function orderAdmissionMs(rules: readonly RateLimitRule[], tuning: Tuning): number {
  let waitMs = 0;
  for (const rule of rules) {
    if (!rule.methods?.includes("POST")) continue;
    waitMs += Math.ceil((tuning.attempts + 1) / rule.limit) * rule.intervalMs;
  }
  return waitMs;
}
