/**
 * The simulator's trading book: market, limit, stop and stop-limit orders, the portfolio's trades and the
 * order life cycle. Market orders and marketable limit orders fill at once against the simulated best
 * bid/ask; other limit orders and all stop orders stay working until cancelled (prices do not move,
 * so stops never trigger). Every order that reaches a final state is reported to `onFinished`.
 */

import type { Accounts } from "./accounts.js";
import { findSecurity, round } from "./catalogue.js";
import { fail } from "./http.js";
import { bestAsk, bestBid } from "./market-data.js";
import type {
  Exchange,
  Order,
  PortfolioTrade,
  Security,
  Side,
  StopCondition,
  StopOrder,
  TimeInForce,
} from "./shapes.js";

export interface OrderTicket {
  portfolio: string;
  exchange: Exchange;
  symbol: string;
  board?: string | undefined;
  side: Side;
  /** Lots. */
  quantity: number;
  comment?: string | undefined;
  timeInForce?: TimeInForce | undefined;
}

export interface StopTicket extends OrderTicket {
  condition: StopCondition;
  triggerPrice: number;
  /** Limit price for a stop-limit order; absent for a stop (market) order. */
  price?: number | undefined;
  stopEndUnixTime?: number | undefined;
  protectingSeconds?: number | undefined;
  activate?: boolean | undefined;
}

export type AnyOrder = Order | StopOrder;

export class Trading {
  private readonly orders = new Map<string, Order>();
  private readonly stopOrders = new Map<string, StopOrder>();
  /** Stop orders created with `activate: false` (waiting for a TriggerBracketOrders group). */
  readonly inactiveStops = new Set<string>();
  private readonly trades: (PortfolioTrade & { portfolio: string })[] = [];
  /** Every order ever created, in creation order: what tests read as `sim.orders`. */
  readonly created: AnyOrder[] = [];
  private nextOrderId = 41_000_000_001;
  private nextStopId = 18_000_000_001;
  private nextTradeId = 9_100_000_001;
  onFinished: (order: AnyOrder) => void = () => {};

  constructor(
    private readonly accounts: Accounts,
    private readonly clock: () => Date,
  ) {}

  placeMarket(ticket: OrderTicket): Order {
    const security = this.security(ticket);
    const order = this.newOrder(ticket, security, "market", 0);
    this.fill(order, security, ticket.side === "buy" ? bestAsk(security) : bestBid(security));
    return order;
  }

  placeLimit(ticket: OrderTicket & { price: number; icebergFixed?: number | undefined }): Order {
    const security = this.security(ticket);
    checkPrice(security, ticket.price, "price");
    const order = this.newOrder(ticket, security, "limit", ticket.price);
    if (ticket.icebergFixed) {
      order.iceberg = {
        creationFixedQuantity: ticket.icebergFixed,
        creationVarianceQuantity: 0,
        visibleQuantity: ticket.icebergFixed * security.lotsize,
        visibleQuantityBatch: ticket.icebergFixed,
        visibleFilledQuantity: 0,
        visibleFilledQuantityBatch: 0,
      };
    }
    const ask = bestAsk(security);
    const bid = bestBid(security);
    if (ticket.side === "buy" && ticket.price >= ask) this.fill(order, security, ask);
    else if (ticket.side === "sell" && ticket.price <= bid) this.fill(order, security, bid);
    return order;
  }

  /** ALOR changes a limit order by cancelling it and placing a new one with a new number. */
  modifyLimit(orderId: string, ticket: OrderTicket & { price: number; icebergFixed?: number | undefined }): Order {
    const old = this.orders.get(orderId);
    if (!old || old.portfolio !== ticket.portfolio)
      throw fail(404, `order ${orderId} not found in ${ticket.portfolio}`);
    if (old.type !== "limit") throw fail(400, `order ${orderId} is a ${old.type} order; only limit orders can change`);
    if (old.status !== "working") throw fail(400, `order ${orderId} is ${old.status} and can no longer change`);
    checkPrice(this.security(ticket), ticket.price, "price");
    this.finish(old, "canceled");
    return this.placeLimit({ ...ticket, timeInForce: old.timeInForce });
  }

  placeStop(ticket: StopTicket): StopOrder {
    const security = this.security(ticket);
    checkPrice(security, ticket.triggerPrice, "triggerPrice");
    if (ticket.price !== undefined) checkPrice(security, ticket.price, "price");
    const now = this.clock();
    const id = String(this.nextStopId++);
    const lots = ticket.quantity;
    const order: StopOrder = {
      id,
      exchangeOrderId: null,
      symbol: security.symbol,
      brokerSymbol: `${security.exchange}:${security.symbol}`,
      portfolio: ticket.portfolio,
      exchange: security.exchange,
      comment: ticket.comment ?? null,
      board: security.board,
      type: ticket.price === undefined ? "stop" : "stoplimit",
      side: ticket.side,
      condition: ticket.condition,
      status: "working",
      transTime: now.toISOString(),
      updateTime: null,
      endTime: ticket.stopEndUnixTime
        ? new Date(ticket.stopEndUnixTime * 1000).toISOString()
        : endOfDay(now).toISOString(),
      error: null,
      qtyUnits: lots * security.lotsize,
      qtyBatch: lots,
      qty: lots,
      filled: 0,
      filledQtyUnits: 0,
      filledQtyBatch: 0,
      price: ticket.price ?? 0,
      avg_price: 0,
      stopPrice: ticket.triggerPrice,
      existing: true,
      timeInForce: ticket.timeInForce ?? "oneday",
      iceberg: null,
      volume: round((ticket.price ?? ticket.triggerPrice) * lots * security.lotsize, 0.01),
      protectingSeconds: ticket.protectingSeconds ?? 1,
    };
    this.stopOrders.set(id, order);
    if (ticket.activate === false) this.inactiveStops.add(id);
    this.created.push(order);
    return order;
  }

  order(orderId: string): Order | undefined {
    return this.orders.get(orderId);
  }

  stopOrder(orderId: string): StopOrder | undefined {
    return this.stopOrders.get(orderId);
  }

  ordersOf(portfolio: string): Order[] {
    return [...this.orders.values()].filter((o) => o.portfolio === portfolio);
  }

  stopOrdersOf(portfolio: string): StopOrder[] {
    return [...this.stopOrders.values()].filter((o) => o.portfolio === portfolio);
  }

  tradesOf(portfolio: string): PortfolioTrade[] {
    return this.trades.filter((t) => t.portfolio === portfolio).map(({ portfolio: _, ...trade }) => trade);
  }

  /** Cancels one working order; ALOR answers 400 OrderToCancelNotFound otherwise. */
  cancel(orderId: string, portfolio: string, stop: boolean): void {
    const order = (stop ? this.stopOrders : this.orders).get(orderId);
    if (!order || order.portfolio !== portfolio || order.status !== "working") {
      throw new CancelRejected("OrderToCancelNotFound", "Order to cancel not found");
    }
    this.finish(order, "canceled");
  }

  /** Cancels every working order of the portfolio on the exchange: stop ones, regular ones, or both (stop undefined). */
  cancelAll(portfolio: string, exchange: Exchange, stop: boolean | undefined): number {
    const candidates: AnyOrder[] = [
      ...(stop === true ? [] : this.ordersOf(portfolio)),
      ...(stop === false ? [] : this.stopOrdersOf(portfolio)),
    ].filter((o) => o.exchange === exchange && o.status === "working");
    if (!candidates.length) throw new CancelRejected("OrderToCancelNotFound", "Orders to cancel not found");
    for (const order of candidates) if (order.status === "working") this.finish(order, "canceled");
    return candidates.length;
  }

  finish(order: AnyOrder, status: "filled" | "canceled"): void {
    order.status = status;
    order.updateTime = this.clock().toISOString();
    this.inactiveStops.delete(order.id);
    this.onFinished(order);
  }

  private security(ticket: OrderTicket): Security {
    const security = findSecurity(ticket.exchange, ticket.symbol, ticket.board);
    if (!security) {
      throw fail(
        400,
        `instrument ${ticket.exchange}:${ticket.symbol}${ticket.board ? ` on ${ticket.board}` : ""} is unknown`,
      );
    }
    return security;
  }

  private newOrder(ticket: OrderTicket, security: Security, type: "market" | "limit", price: number): Order {
    const now = this.clock();
    const lots = ticket.quantity;
    const order: Order = {
      id: String(this.nextOrderId++),
      symbol: security.symbol,
      board: security.board,
      brokerSymbol: `${security.exchange}:${security.symbol}`,
      portfolio: ticket.portfolio,
      exchange: security.exchange,
      comment: ticket.comment ?? null,
      type,
      side: ticket.side,
      status: "working",
      transTime: now.toISOString(),
      updateTime: now.toISOString(),
      endTime: endOfDay(now).toISOString(),
      qtyUnits: lots * security.lotsize,
      qtyBatch: lots,
      qty: lots,
      filledQtyUnits: 0,
      filledQtyBatch: 0,
      filled: 0,
      price,
      existing: true,
      timeInForce: ticket.timeInForce ?? "oneday",
      iceberg: null,
      volume: price ? round(price * lots * security.lotsize, 0.01) : null,
    };
    this.orders.set(order.id, order);
    this.created.push(order);
    return order;
  }

  private fill(order: Order, security: Security, price: number): void {
    this.accounts.applyFill(order.portfolio, security, order.side, order.qtyBatch, price);
    order.filledQtyBatch = order.qtyBatch;
    order.filledQtyUnits = order.qtyUnits;
    order.filled = order.qtyBatch;
    if (order.type === "market") order.price = price;
    order.volume = round(price * order.qtyUnits, 0.01);
    this.trades.push({
      portfolio: order.portfolio,
      id: String(this.nextTradeId++),
      orderno: order.id,
      comment: order.comment,
      symbol: order.symbol,
      brokerSymbol: order.brokerSymbol,
      exchange: order.exchange,
      date: this.clock().toISOString(),
      board: order.board,
      qtyUnits: order.qtyUnits,
      qtyBatch: order.qtyBatch,
      qty: order.qtyBatch,
      price,
      accruedInt: 0,
      side: order.side,
      existing: true,
      commission: round(price * order.qtyUnits * 0.0005, 0.01),
      repoSpecificFields: null,
      volume: round(price * order.qtyUnits, 0.01),
    });
    this.finish(order, "filled");
  }
}

/** A refused cancellation, in ALOR's `{ code, message }` shape. */
export class CancelRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function checkPrice(security: Security, price: number, field: string): void {
  if (price < security.priceMin || price > security.priceMax) {
    throw fail(
      400,
      `${field} ${price} is outside ${security.symbol}'s limits [${security.priceMin}, ${security.priceMax}]`,
    );
  }
  const steps = price / security.minstep;
  if (Math.abs(steps - Math.round(steps)) > 1e-6) {
    throw fail(400, `${field} ${price} is not a multiple of ${security.symbol}'s price step ${security.minstep}`);
  }
}

function endOfDay(now: Date): Date {
  const end = new Date(now);
  end.setUTCHours(23, 59, 59, 999);
  return end;
}
