/**
 * Hand-written (not generated). Safe order entry for a Broker API customer account, with the same rules as
 * the Trading API's submitOrder (../shared/order-reconciliation.ts). The Broker API has no lookup by
 * client_order_id, so the order is looked for among the account's orders submitted since shortly before
 * this call (status=all, newest first); a full page without it proves nothing and counts as unknown.
 */
import type { BrokerClient, BrokerSchemas } from "../generated/broker/index.js";
import { httpErrorOf } from "../shared/http-error.js";
import {
  type SubmitOrderOptions,
  type SubmittedOrder,
  submitWithReconciliation,
} from "../shared/order-reconciliation.js";

export type AccountOrder = BrokerSchemas["Order"];
export type CreateAccountOrderRequest = BrokerSchemas["CreateOrderRequest"];

/** Orders submitted this long before the call are searched too, for clock differences with Alpaca. */
const LOOKBACK_MS = 5 * 60_000;
const LOOKUP_PAGE = 500;

/** submitOrder for a customer account: POST /v1/trading/accounts/{account_id}/orders, reconciled by listing. */
export function submitAccountOrder(
  client: BrokerClient,
  accountId: string,
  order: CreateAccountOrderRequest,
  options: SubmitOrderOptions = {},
): Promise<SubmittedOrder<AccountOrder>> {
  const after = new Date(Date.now() - LOOKBACK_MS).toISOString();
  const listCall = `GET /v1/trading/accounts/${accountId}/orders`;
  return submitWithReconciliation(
    {
      createCall: `POST /v1/trading/accounts/${accountId}/orders`,
      lookupCall: listCall,
      create: (body, signal) =>
        client.POST("/v1/trading/accounts/{account_id}/orders", {
          params: { path: { account_id: accountId } },
          body,
          ...(signal ? { signal } : {}),
        }),
      find: async (clientOrderId, signal) => {
        const { data, error, response } = await client.GET("/v1/trading/accounts/{account_id}/orders", {
          params: {
            path: { account_id: accountId },
            query: { status: "all", after, direction: "desc", limit: LOOKUP_PAGE },
          },
          // A lookup of our own: a redirect that leaves the origin is refused, not followed.
          fetch: client.runtime.ownFetch,
          ...(signal ? { signal } : {}),
        });
        if (data === undefined) throw httpErrorOf(listCall, response, error);
        const found = data.find((candidate) => candidate.client_order_id === clientOrderId);
        if (found !== undefined) return found;
        if (data.length >= LOOKUP_PAGE) {
          throw new Error(`${listCall}: ${LOOKUP_PAGE} recent orders listed without client_order_id ${clientOrderId}`);
        }
        return undefined;
      },
    },
    order,
    options,
  );
}
