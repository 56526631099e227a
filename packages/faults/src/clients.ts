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
import type { BrokerClientOptions, Observer } from "@brokerkit/middleware";
import { createSaxoClient } from "@brokerkit/saxo";
import { callBoundMs, requestBoundMs, type Tuning } from "./bounds.js";

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
function commonOptions(tuning: Tuning, observer: Observer) {
  const options: Partial<BrokerClientOptions> & { maxResponseBytes: number } = {
    observer,
    timeoutMs: tuning.timeoutMs,
    retry: { attempts: tuning.attempts, baseDelayMs: tuning.baseDelayMs, maxDelayMs: tuning.maxDelayMs },
    maxResponseBytes: tuning.maxResponseBytes,
  };
  return options;
}

export function brokerCalls(access: BrokerAccess, tuning: Tuning, observer: Observer): BrokerCalls {
  switch (access.broker) {
    case "alor":
      return alorCalls(access, tuning, observer);
    case "alpaca":
      return alpacaCalls(access, tuning, observer);
    case "saxo":
      return saxoCalls(access, tuning, observer);
  }
}

function alorCalls(access: Extract<BrokerAccess, { broker: "alor" }>, tuning: Tuning, observer: Observer) {
  const client = createAlorClient({
    ...commonOptions(tuning, observer),
    environment: "test",
    credentials: { refreshToken: access.refreshToken },
    servers: { api: access.url, oauth: access.url },
    cache: false,
  });
  return {
    broker: "alor",
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

function alpacaCalls(access: Extract<BrokerAccess, { broker: "alpaca" }>, tuning: Tuning, observer: Observer) {
  const client = createTradingClient({
    ...commonOptions(tuning, observer),
    environment: "paper",
    credentials: { keyId: access.keyId, secretKey: access.secretKey },
    servers: { trading: access.url, data: access.url, broker: access.url, authx: access.url },
  });
  return {
    broker: "alpaca",
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

function saxoCalls(access: Extract<BrokerAccess, { broker: "saxo" }>, tuning: Tuning, observer: Observer) {
  const client = createSaxoClient({
    ...commonOptions(tuning, observer),
    environment: "sim",
    servers: { gateway: access.url + SAXO_GATEWAY, logon: access.url, streaming: access.url + SAXO_STREAMING },
    credentials: { clientId: access.clientId, refreshToken: access.refreshToken },
  });
  return {
    broker: "saxo",
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

/**
 * The stated bound of one call. Saxo may send four requests per attempt (the isalive probe and the call,
 * and both again when the balancer says the session was lost); Alpaca's submitOrder may make two POSTs
 * and two lookups.
 */
export function callBound(broker: BrokerName, kind: CallKind, tuning: Tuning, extraMs = 0): number {
  if (broker === "saxo") return callBoundMs(tuning, requestBoundMs(tuning, 4), extraMs);
  if (broker === "alpaca" && kind === "order") {
    const one = requestBoundMs(tuning, 1);
    return callBoundMs(tuning, 2 * ALPACA_SUBMISSIONS * one + ALPACA_SUBMISSIONS * ALPACA_LOOKUP_DELAY_MS, extraMs);
  }
  return callBoundMs(tuning, requestBoundMs(tuning, 1), extraMs);
}
