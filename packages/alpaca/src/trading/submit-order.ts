/**
 * Hand-written (not generated). Safe order entry on the Trading API: submitOrder places an order with a
 * client_order_id and, when the outcome is unknown, reconciles through GET /v2/orders:by_client_order_id
 * before any resubmission (see ../shared/order-reconciliation.ts for the rules).
 */
import type { TradingClient, TradingSchemas } from "../generated/trading/index.js";
import { httpErrorOf } from "../shared/http-error.js";
import {
  type SubmitOrderOptions,
  type SubmittedOrder,
  submitWithReconciliation,
} from "../shared/order-reconciliation.js";

export type TradingOrder = TradingSchemas["Order"];
export type CreateOrderRequest = TradingSchemas["CreateOrderRequest"];

/**
 * Submits an order exactly once, even when the answer is lost: sends it with its client_order_id (a UUID
 * is generated when missing); if the outcome is unknown, looks the id up and resubmits (same id) only when
 * the lookup proved the order absent.
 *
 * Throws HttpError (RateLimitError) when Alpaca refused the order, OrderReconciliationError when the
 * client_order_id belongs to a different order, AmbiguousOutcomeError (with `idempotencyKey`) when the
 * outcome could not be settled.
 */
export function submitOrder(
  client: TradingClient,
  order: CreateOrderRequest,
  options: SubmitOrderOptions = {},
): Promise<SubmittedOrder<TradingOrder>> {
  return submitWithReconciliation(
    {
      createCall: "POST /v2/orders",
      lookupCall: "GET /v2/orders:by_client_order_id",
      create: (body, signal) => client.POST("/v2/orders", { body, ...(signal ? { signal } : {}) }),
      find: (clientOrderId, signal) =>
        findOrderByClientOrderId(client, clientOrderId, { ...(signal ? { signal } : {}) }),
    },
    order,
    options,
  );
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
