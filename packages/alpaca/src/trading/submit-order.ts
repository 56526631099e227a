/**
 * Hand-written (not generated). Safe order entry on the Trading API: submitOrder places an order with a
 * client_order_id and, when the outcome is unknown, reconciles through GET /v2/orders:by_client_order_id
 * before any resubmission (see ../shared/order-reconciliation.ts for the rules).
 */
import { ConfigError } from "@brokerkit/middleware";
import type { TradingClient, TradingSchemas } from "../generated/trading/index.js";
import { httpErrorOf } from "../shared/http-error.js";
import {
  type SubmitOrderOptions,
  type SubmittedOrder,
  submitWithReconciliation,
} from "../shared/order-reconciliation.js";
import { type OrderEvent, OrderWatch, type TradeUpdatesSource } from "./order-watch.js";

export type TradingOrder = TradingSchemas["Order"];
export type CreateOrderRequest = TradingSchemas["CreateOrderRequest"];

export interface TradingSubmitOrderOptions extends SubmitOrderOptions {
  /**
   * An open trading stream (`alpacaTradingStream(client)` of @brokerkit/alpaca/streams). The order is
   * watched on it from before it is sent: an unknown outcome is settled by the order's own event
   * instead of a lookup, and `awaitFate` waits for its final event instead of polling.
   */
  tradeUpdates?: TradeUpdatesSource;
  /** With `tradeUpdates`: resolve once the order reached a final event (fill, canceled, expired, …). */
  awaitFate?: boolean;
  /** How long `awaitFate` waits for the final event before a TimeoutError. Default 30 000 ms. */
  fateTimeoutMs?: number;
  /** How long an unknown outcome waits for the order's first event before looking it up. Default 2 000 ms. */
  streamWaitMs?: number;
}

export interface TradingSubmittedOrder extends SubmittedOrder<TradingOrder> {
  /** With `tradeUpdates`: the order's events seen on the stream while submitOrder watched it. */
  events?: OrderEvent[];
  /** With `awaitFate`: the order's final event (its `order` is the order's final state). */
  fate?: OrderEvent;
}

/**
 * Submits an order exactly once, even when the answer is lost: sends it with its client_order_id (a UUID
 * is generated when missing); if the outcome is unknown, looks the id up and resubmits (same id) only when
 * the lookup proved the order absent.
 *
 * Throws HttpError (RateLimitError) when Alpaca refused the order, OrderReconciliationError when the
 * client_order_id belongs to a different order, AmbiguousOutcomeError (with `idempotencyKey`) when the
 * outcome could not be settled.
 */
export async function submitOrder(
  client: TradingClient,
  order: CreateOrderRequest,
  options: TradingSubmitOrderOptions = {},
): Promise<TradingSubmittedOrder> {
  const { tradeUpdates, awaitFate, fateTimeoutMs = 30_000, streamWaitMs = 2_000, ...rest } = options;
  if (awaitFate && !tradeUpdates)
    throw new ConfigError("submitOrder: awaitFate needs tradeUpdates, an open trading stream");
  const clientOrderId = order.client_order_id || (options.generateClientOrderId ?? (() => crypto.randomUUID()))();
  const watch = tradeUpdates ? await OrderWatch.start(tradeUpdates, clientOrderId) : undefined;
  try {
    const submitted = await submitWithReconciliation(
      {
        createCall: "POST /v2/orders",
        lookupCall: "GET /v2/orders:by_client_order_id",
        create: (body, signal) => client.POST("/v2/orders", { body, ...(signal ? { signal } : {}) }),
        find: (id, signal) => findOrderByClientOrderId(client, id, { ...(signal ? { signal } : {}) }),
        ...(watch
          ? {
              fromStream: async (_id: string, signal: AbortSignal | undefined) =>
                (await watch.next(() => true, streamWaitMs, signal))?.order as TradingOrder | undefined,
            }
          : {}),
      },
      { ...order, client_order_id: clientOrderId },
      rest,
    );
    if (!watch) return submitted;
    const fate = awaitFate ? await watch.fate(fateTimeoutMs, options.signal) : undefined;
    return { ...submitted, events: [...watch.events], ...(fate ? { fate } : {}) };
  } finally {
    await watch?.stop();
  }
}

/** The order with this client_order_id, or undefined when Alpaca answers 404. Other failures throw. */
export async function findOrderByClientOrderId(
  client: TradingClient,
  clientOrderId: string,
  options: { signal?: AbortSignal } = {},
): Promise<TradingOrder | undefined> {
  const { data, error, response } = await client.GET("/v2/orders:by_client_order_id", {
    params: { query: { client_order_id: clientOrderId } },
    // A lookup of our own: a redirect that leaves the origin is refused, not followed.
    fetch: client.runtime.ownFetch,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (data !== undefined) return data;
  if (response.status === 404) return undefined;
  throw httpErrorOf("GET /v2/orders:by_client_order_id", response, error);
}
