/**
 * POST /trade/v2/orders/precheck: the checks of placing an order, run against a throw-away order book so the
 * real book never changes. Malformed requests get the same 400 `InvalidModelState` as placing; an order that is
 * well formed but would be rejected gets 200 with `PreCheckResult: "Error"` and the reason in `ErrorInfo`.
 */
import { findInstrument } from "./fixtures.js";
import { midPrice } from "./market-data.js";
import { OrderBook } from "./orders.js";
import { ok, type Reply } from "./reply.js";

export function precheckOrder(body: unknown): Reply {
  const trial = new OrderBook().place(body, "precheck");
  if (trial.status !== 200) {
    const errorInfo = (trial.body as { ErrorInfo?: unknown } | undefined)?.ErrorInfo;
    return errorInfo === undefined ? trial : ok({ PreCheckResult: "Error", ErrorInfo: errorInfo });
  }
  // place() accepted it, so these fields are present and the instrument exists.
  const order = body as { Uic: number; AssetType: string; Amount: number; OrderPrice?: number };
  const instrument = findInstrument(order.Uic, order.AssetType);
  const price = order.OrderPrice ?? (instrument ? midPrice(instrument, Date.now()) : 0);
  const total = Math.abs(order.Amount) * price;
  return ok({
    PreCheckResult: "Ok",
    EstimatedCashRequired: total,
    EstimatedCashRequiredCurrency: instrument?.CurrencyCode,
    EstimatedTotalCost: total,
  });
}
