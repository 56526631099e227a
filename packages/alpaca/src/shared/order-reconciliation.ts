/**
 * Hand-written (not generated). Places one order safely on an API that rejects a reused client_order_id
 * (Alpaca answers 422) instead of replaying the first result. The order always carries a client_order_id
 * (generated when missing), and when the outcome of a submission is unknown (lost connection, timeout,
 * 5xx, AmbiguousOutcomeError) the order is looked up by that id BEFORE anything is sent again; it is
 * resubmitted, with the same id, only when the lookup found nothing. Because the id never changes, even a
 * late-arriving first request cannot make a second order: Alpaca would refuse the duplicate.
 * Used by submitOrder (Trading) and submitAccountOrder (Broker).
 */
import {
  AmbiguousOutcomeError,
  AuthError,
  BrokerkitError,
  ConfigError,
  type HttpError,
  MalformedResponseError,
  RateLimitError,
  sleep,
} from "@brokerkit/middleware";
import { httpErrorOf } from "./http-error.js";

/** The fields of an order request this module reads; the rest is sent as given. */
export interface OrderRequestFields {
  client_order_id?: string;
  symbol?: string;
  side?: string;
  type?: string;
  time_in_force?: string;
  qty?: string;
  notional?: string;
  limit_price?: string;
  stop_price?: string;
}

/** What openapi-fetch returns for one call. */
export interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** One API's way to create an order and to find one by client_order_id. */
export interface OrderChannel<Order, Body> {
  /** Names the create call in messages, e.g. `POST /v2/orders`. */
  createCall: string;
  lookupCall: string;
  create(body: Body, signal: AbortSignal | undefined): Promise<CallResult<Order>>;
  /** The order with this client_order_id, undefined when the API proves there is none; throws when it cannot tell. */
  find(clientOrderId: string, signal: AbortSignal | undefined): Promise<Order | undefined>;
  /**
   * Where an open event stream follows the order: the order once an event of it arrives, or undefined
   * when none came in time. Asked before `find` when the outcome is unknown, and instead of its delay.
   */
  fromStream?(clientOrderId: string, signal: AbortSignal | undefined): Promise<Order | undefined>;
}

export interface SubmitOrderOptions {
  signal?: AbortSignal;
  /**
   * Most POSTs this call sends, the first included. A second one is sent only after a lookup proved the
   * order absent. Default 2.
   */
  maxSubmissions?: number;
  /** Pause before looking up an order whose outcome is unknown, so a request still in flight can land. Default 200 ms. */
  lookupDelayMs?: number;
  /** Makes the client_order_id when the order has none. Default `crypto.randomUUID()`. */
  generateClientOrderId?: () => string;
}

export interface SubmittedOrder<Order> {
  order: Order;
  clientOrderId: string;
  /**
   * `response`: the create call answered; `lookup`: its outcome was unknown and the lookup found the order;
   * `stream`: its outcome was unknown and an event of the order arrived on the trading stream.
   */
  confirmedBy: "response" | "lookup" | "stream";
  /** POSTs sent by this call. */
  submissions: number;
  /** Lookups by client_order_id made by this call. */
  lookups: number;
}

/** The client_order_id exists, but its order is not the one being submitted (e.g. a key reused by mistake). */
export class OrderReconciliationError extends BrokerkitError {
  readonly clientOrderId: string;
  readonly existingOrder: unknown;
  constructor(message: string, details: { clientOrderId: string; existingOrder: unknown; cause?: unknown }) {
    super(message, details.cause === undefined ? {} : { cause: details.cause });
    this.clientOrderId = details.clientOrderId;
    this.existingOrder = details.existingOrder;
  }
}

type Outcome<Order> =
  | { kind: "created"; order: Order }
  /** Refused for good: nothing was created. */
  | { kind: "refused"; error: HttpError }
  /** 422: a validation error, or the client_order_id is taken (perhaps by this very order): look it up. */
  | { kind: "key-maybe-taken"; error: HttpError }
  | { kind: "unknown"; error: unknown }
  /** Never sent: the throttle refused it (the limit reopens too late), so this submission created nothing. */
  | { kind: "not-sent"; error: RateLimitError };

const MAX_SUBMISSIONS_CEILING = 5;

export async function submitWithReconciliation<Order, Body extends OrderRequestFields>(
  channel: OrderChannel<Order, Body>,
  order: Body,
  options: SubmitOrderOptions = {},
): Promise<SubmittedOrder<Order>> {
  const maxSubmissions = options.maxSubmissions ?? 2;
  if (!Number.isInteger(maxSubmissions) || maxSubmissions < 1 || maxSubmissions > MAX_SUBMISSIONS_CEILING) {
    throw new ConfigError(
      `submitOrder: maxSubmissions must be an integer from 1 to ${MAX_SUBMISSIONS_CEILING}, got ${maxSubmissions}`,
    );
  }
  const lookupDelayMs = options.lookupDelayMs ?? 200;
  const { signal } = options;
  const clientOrderId = order.client_order_id || (options.generateClientOrderId ?? (() => crypto.randomUUID()))();
  const body = { ...order, client_order_id: clientOrderId };
  let lookups = 0;

  for (let submission = 1; ; submission++) {
    const outcome = await submitOnce(channel, body, signal);
    if (outcome.kind === "created") {
      return { order: outcome.order, clientOrderId, confirmedBy: "response", submissions: submission, lookups };
    }
    if (outcome.kind === "refused") throw outcome.error;
    if (outcome.kind === "not-sent") {
      if (submission === 1) throw outcome.error;
      throw ambiguous(
        channel,
        clientOrderId,
        `no order was found after ${submission - 1} submission(s), the next one was not sent (rate limited), and a request still in flight could land later`,
        outcome.error,
      );
    }

    let found: Order | undefined;
    let confirmedBy: "lookup" | "stream" = "lookup";
    if (outcome.kind === "unknown" && channel.fromStream) {
      // The stream saw the order: it exists, and no lookup is needed.
      found = await channel.fromStream(clientOrderId, signal);
      if (found !== undefined) confirmedBy = "stream";
    } else if (outcome.kind === "unknown") await sleep(lookupDelayMs, signal);
    try {
      if (found === undefined) {
        lookups++;
        found = await channel.find(clientOrderId, signal);
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw ambiguous(
        channel,
        clientOrderId,
        `the lookup (${channel.lookupCall}) failed too, so it is unknown whether the order exists`,
        error,
      );
    }
    if (found !== undefined) {
      const differences = differingFields(body, found);
      if (differences.length > 0) {
        throw new OrderReconciliationError(
          `${channel.createCall}: client_order_id ${clientOrderId} already belongs to an order that differs from this one in ${differences.join(", ")}; use a new client_order_id for a new order`,
          { clientOrderId, existingOrder: found, cause: outcome.error },
        );
      }
      return { order: found, clientOrderId, confirmedBy, submissions: submission, lookups };
    }
    // Nothing under this key: a 422 was a real rejection.
    if (outcome.kind === "key-maybe-taken") throw outcome.error;
    if (submission >= maxSubmissions) {
      throw ambiguous(
        channel,
        clientOrderId,
        `no order was found after ${submission} submission(s), but a request still in flight could land later`,
        outcome.error,
      );
    }
  }
}

async function submitOnce<Order, Body>(
  channel: OrderChannel<Order, Body>,
  body: Body,
  signal: AbortSignal | undefined,
): Promise<Outcome<Order>> {
  let result: CallResult<Order>;
  try {
    result = await channel.create(body, signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Configuration, credentials and unparsable answers are not delivery problems: looking up would not help.
    if (error instanceof AuthError || error instanceof ConfigError || error instanceof MalformedResponseError) {
      throw error;
    }
    // Thrown (not answered) by the throttle before sending; the retry layer turns it into an
    // AmbiguousOutcomeError when an earlier attempt of this call may have arrived.
    if (error instanceof RateLimitError) return { kind: "not-sent", error };
    // AmbiguousOutcomeError, TimeoutError, NetworkError, or a bare fetch failure: the order may exist.
    return { kind: "unknown", error };
  }
  const { response } = result;
  if (response.ok && result.data !== undefined) return { kind: "created", order: result.data };
  const error = httpErrorOf(channel.createCall, response, result.error);
  if (response.status >= 500 || response.status === 408) return { kind: "unknown", error };
  if (response.status === 422) return { kind: "key-maybe-taken", error };
  return { kind: "refused", error };
}

function ambiguous(
  channel: { createCall: string; lookupCall: string },
  clientOrderId: string,
  why: string,
  cause: unknown,
): AmbiguousOutcomeError {
  return new AmbiguousOutcomeError(
    `${channel.createCall}: the outcome is unknown: ${why}. Look the order up by client_order_id ${clientOrderId} before sending it again, and reuse that id if you do.`,
    { method: channel.createCall.split(" ", 1)[0], cause, idempotencyKey: clientOrderId },
  );
}

/** Request fields whose value the existing order contradicts (decimals compared as numbers, symbols without "/"). */
function differingFields(request: OrderRequestFields, existing: unknown): string[] {
  if (!existing || typeof existing !== "object") return ["(the lookup answered no order object)"];
  const found = existing as Record<string, unknown>;
  const differences: string[] = [];
  const text = ["side", "type", "time_in_force"] as const;
  const decimal = ["qty", "notional", "limit_price", "stop_price"] as const;
  const symbol = (value: unknown) => String(value).toUpperCase().replace("/", "");
  if (request.symbol !== undefined && symbol(request.symbol) !== symbol(found.symbol)) differences.push("symbol");
  for (const field of text) {
    if (request[field] !== undefined && found[field] !== undefined && request[field] !== found[field]) {
      differences.push(field);
    }
  }
  for (const field of decimal) {
    if (request[field] !== undefined && Number(request[field]) !== Number(found[field])) differences.push(field);
  }
  return differences;
}
