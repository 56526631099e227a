/**
 * The simulator's order book, one per account (trading accounts and broker customer accounts alike):
 * validation with Alpaca-style 422s, unique `client_order_id` per account (a reused one is rejected, never
 * replayed), market orders that fill at once at the reference price, limit and stop orders that rest until
 * filled by the test, replace (a new order replaces the old one), cancel, positions, cash and FILL activities.
 * Every state change is reported as a trade update for the event streams.
 */
import { randomUUID } from "node:crypto";
import { type AssetFixture, assetId, findAsset } from "./fixtures.js";
import { ErrorCode, fail, invalid } from "./reply.js";

export type TradeEventType = "new" | "fill" | "partial_fill" | "canceled" | "replaced" | "rejected" | "expired";

export interface SimOrder {
  id: string;
  client_order_id: string;
  created_at: string;
  updated_at: string;
  submitted_at: string;
  filled_at: string | null;
  expired_at: string | null;
  canceled_at: string | null;
  failed_at: string | null;
  replaced_at: string | null;
  replaced_by: string | null;
  replaces: string | null;
  asset_id: string;
  symbol: string;
  asset_class: string;
  notional: string | null;
  qty: string | null;
  filled_qty: string;
  filled_avg_price: string | null;
  order_class: string;
  order_type: string;
  type: string;
  side: string;
  position_intent?: string;
  time_in_force: string;
  limit_price: string | null;
  stop_price: string | null;
  status: string;
  extended_hours: boolean;
  legs: null;
  trail_percent: string | null;
  trail_price: string | null;
  hwm: string | null;
  subtag?: string;
  commission?: string;
}

export interface TradeUpdate {
  accountId: string;
  event: TradeEventType;
  order: SimOrder;
  at: Date;
  /** Fill details for fill events. */
  price?: string;
  qty?: string;
  positionQty?: string;
}

interface Position {
  symbol: string;
  qty: number;
  /** Sum of signed qty × entry price, so avg entry = cost / qty. */
  cost: number;
}

export interface Activity {
  id: string;
  activity_type: string;
  [field: string]: unknown;
}

interface Book {
  cash: number;
  orders: SimOrder[];
  byClientId: Map<string, SimOrder>;
  positions: Map<string, Position>;
  activities: Activity[];
}

const OPEN_STATUSES = new Set(["new", "accepted", "pending_new", "partially_filled", "held"]);
const TYPES = ["market", "limit", "stop", "stop_limit", "trailing_stop"];
const TIME_IN_FORCE = ["day", "gtc", "opg", "cls", "ioc", "fok"];
const BASE_SIDES = ["buy", "sell"];

export interface ListOrdersQuery {
  status?: string | null;
  limit?: string | null;
  after?: string | null;
  until?: string | null;
  direction?: string | null;
  symbols?: string | null;
  side?: string | null;
}

export class OrderBook {
  private readonly books = new Map<string, Book>();

  constructor(
    private readonly report: (update: TradeUpdate) => void,
    private readonly now: () => Date,
  ) {}

  openAccount(accountId: string, cash: number): void {
    if (this.books.has(accountId)) return;
    const book: Book = { cash, orders: [], byClientId: new Map(), positions: new Map(), activities: [] };
    this.books.set(accountId, book);
    if (cash > 0) {
      const at = this.now();
      book.activities.push({
        id: activityId(at),
        activity_type: "CSD",
        date: at.toISOString(),
        net_amount: money(cash),
        description: "initial deposit",
        status: "executed",
      });
    }
  }

  hasAccount(accountId: string): boolean {
    return this.books.has(accountId);
  }

  cash(accountId: string): number {
    return this.book(accountId).cash;
  }

  /** Every order of the account, oldest first (copies). */
  orders(accountId: string): SimOrder[] {
    return this.book(accountId).orders.map((o) => ({ ...o }));
  }

  create(accountId: string, input: unknown, options: { broker?: boolean } = {}): SimOrder {
    const book = this.book(accountId);
    const body = requireObject(input);
    const type = requireEnum(body, "type", TYPES);
    const timeInForce = requireEnum(body, "time_in_force", TIME_IN_FORCE);
    const side = requireEnum(body, "side", options.broker ? [...BASE_SIDES, "sell_short"] : BASE_SIDES);
    const symbol = requireString(body, "symbol");
    const asset = findAsset(symbol);
    if (!asset) throw invalid(`asset not found: symbol "${symbol}" is not tradable`);
    const qty = optionalDecimal(body, "qty");
    const notional = optionalDecimal(body, "notional");
    if ((qty === undefined) === (notional === undefined)) throw invalid("exactly one of qty or notional is required");
    if (notional !== undefined && type !== "market") throw invalid("notional is only allowed for market orders");
    const limitPrice = optionalDecimal(body, "limit_price");
    const stopPrice = optionalDecimal(body, "stop_price");
    if ((type === "limit" || type === "stop_limit") && limitPrice === undefined) {
      throw invalid(`limit_price is required for ${type} orders`);
    }
    if ((type === "stop" || type === "stop_limit") && stopPrice === undefined) {
      throw invalid(`stop_price is required for ${type} orders`);
    }
    const clientOrderId = this.claimClientOrderId(book, body.client_order_id);

    const estimate = notional ?? (qty as number) * (limitPrice ?? asset.price);
    if (side === "buy" && estimate > book.cash) {
      throw fail(403, ErrorCode.insufficientBuyingPower, "insufficient buying power");
    }

    const at = this.now().toISOString();
    const order: SimOrder = {
      id: randomUUID(),
      client_order_id: clientOrderId,
      created_at: at,
      updated_at: at,
      submitted_at: at,
      filled_at: null,
      expired_at: null,
      canceled_at: null,
      failed_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
      asset_id: assetId(asset.symbol),
      symbol: asset.symbol,
      asset_class: asset.class,
      notional: notional === undefined ? null : money(notional),
      qty: qty === undefined ? null : quantity(qty),
      filled_qty: "0",
      filled_avg_price: null,
      order_class: typeof body.order_class === "string" && body.order_class ? body.order_class : "simple",
      order_type: type,
      type,
      side,
      time_in_force: timeInForce,
      limit_price: limitPrice === undefined ? null : money(limitPrice),
      stop_price: stopPrice === undefined ? null : money(stopPrice),
      status: "new",
      extended_hours: body.extended_hours === true,
      legs: null,
      trail_percent: typeof body.trail_percent === "string" ? body.trail_percent : null,
      trail_price: typeof body.trail_price === "string" ? body.trail_price : null,
      hwm: null,
      ...(typeof body.position_intent === "string" ? { position_intent: body.position_intent } : {}),
      ...(typeof body.subtag === "string" ? { subtag: body.subtag } : {}),
      ...(options.broker ? { commission: typeof body.commission === "string" ? body.commission : "0" } : {}),
    };
    book.orders.push(order);
    book.byClientId.set(clientOrderId, order);
    this.report({ accountId, event: "new", order: { ...order }, at: this.now() });
    if (type === "market") this.fillOrder(accountId, order, asset);
    return { ...order };
  }

  get(accountId: string, orderId: string): SimOrder {
    const order = this.book(accountId).orders.find((o) => o.id === orderId);
    if (!order) throw fail(404, ErrorCode.notFound, "order not found");
    return { ...order };
  }

  getByClientOrderId(accountId: string, clientOrderId: string): SimOrder {
    const order = this.book(accountId).byClientId.get(clientOrderId);
    if (!order) throw fail(404, ErrorCode.notFound, "order not found");
    return { ...order };
  }

  list(accountId: string, query: ListOrdersQuery): SimOrder[] {
    const status = query.status ?? "open";
    if (!["open", "closed", "all"].includes(status)) throw invalid(`status must be open, closed or all`, 400);
    const limit = query.limit ? Number(query.limit) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw invalid("limit must be an integer from 1 to 500", 400);
    const direction = query.direction ?? "desc";
    const symbols = query.symbols ? new Set(query.symbols.split(",").map((s) => s.trim().toUpperCase())) : undefined;
    const after = query.after ? Date.parse(query.after) : undefined;
    const until = query.until ? Date.parse(query.until) : undefined;
    let orders = this.book(accountId).orders.filter((o) => {
      const open = OPEN_STATUSES.has(o.status);
      if (status === "open" && !open) return false;
      if (status === "closed" && open) return false;
      if (symbols && !symbols.has(o.symbol)) return false;
      if (query.side && o.side !== query.side) return false;
      const submitted = Date.parse(o.submitted_at);
      if (after !== undefined && !(submitted > after)) return false;
      if (until !== undefined && !(submitted <= until)) return false;
      return true;
    });
    if (direction === "desc") orders = orders.reverse();
    return orders.slice(0, limit).map((o) => ({ ...o }));
  }

  /** PATCH: a new order takes the old one's place; the old one ends `replaced`. */
  replace(accountId: string, orderId: string, input: unknown): SimOrder {
    const book = this.book(accountId);
    const old = book.orders.find((o) => o.id === orderId);
    if (!old) throw fail(404, ErrorCode.notFound, "order not found");
    if (!OPEN_STATUSES.has(old.status))
      throw fail(422, ErrorCode.unprocessable, `order is ${old.status}, not replaceable`);
    const body = requireObject(input);
    const qty = optionalDecimal(body, "qty");
    const limitPrice = optionalDecimal(body, "limit_price");
    const stopPrice = optionalDecimal(body, "stop_price");
    const timeInForce =
      body.time_in_force === undefined ? old.time_in_force : requireEnum(body, "time_in_force", TIME_IN_FORCE);
    if (
      qty === undefined &&
      limitPrice === undefined &&
      stopPrice === undefined &&
      body.time_in_force === undefined &&
      body.trail === undefined
    ) {
      throw invalid("nothing to replace: give qty, limit_price, stop_price, trail or time_in_force");
    }
    const clientOrderId = this.claimClientOrderId(book, body.client_order_id);
    const now = this.now();
    const at = now.toISOString();
    const replacement: SimOrder = {
      ...old,
      id: randomUUID(),
      client_order_id: clientOrderId,
      created_at: at,
      updated_at: at,
      submitted_at: at,
      replaces: old.id,
      replaced_by: null,
      replaced_at: null,
      status: "new",
      qty: qty === undefined ? old.qty : quantity(qty),
      limit_price: limitPrice === undefined ? old.limit_price : money(limitPrice),
      stop_price: stopPrice === undefined ? old.stop_price : money(stopPrice),
      time_in_force: timeInForce,
      trail_price: typeof body.trail === "string" && old.trail_price !== null ? body.trail : old.trail_price,
      trail_percent: typeof body.trail === "string" && old.trail_percent !== null ? body.trail : old.trail_percent,
    };
    Object.assign(old, { status: "replaced", replaced_by: replacement.id, replaced_at: at, updated_at: at });
    book.orders.push(replacement);
    book.byClientId.set(clientOrderId, replacement);
    this.report({ accountId, event: "replaced", order: { ...old }, at: now });
    this.report({ accountId, event: "new", order: { ...replacement }, at: now });
    return { ...replacement };
  }

  cancel(accountId: string, orderId: string): void {
    const order = this.book(accountId).orders.find((o) => o.id === orderId);
    if (!order) throw fail(404, ErrorCode.notFound, "order not found");
    if (!OPEN_STATUSES.has(order.status))
      throw fail(422, ErrorCode.unprocessable, `order is ${order.status}, not cancelable`);
    const now = this.now();
    Object.assign(order, { status: "canceled", canceled_at: now.toISOString(), updated_at: now.toISOString() });
    this.report({ accountId, event: "canceled", order: { ...order }, at: now });
  }

  /** DELETE /orders: cancels every open order; one `{ id, status }` per order (207 multi-status). */
  cancelAll(accountId: string): { id: string; status: number; body: SimOrder }[] {
    const open = this.book(accountId).orders.filter((o) => OPEN_STATUSES.has(o.status));
    return open.map((order) => {
      this.cancel(accountId, order.id);
      return { id: order.id, status: 200, body: { ...order } };
    });
  }

  /** Fills a resting order now, at its limit price (or the reference price). For tests and demos. */
  fill(accountId: string, orderId: string): SimOrder {
    const order = this.book(accountId).orders.find((o) => o.id === orderId);
    if (!order) throw new Error(`alpaca simulator: no order ${orderId} in account ${accountId}`);
    if (!OPEN_STATUSES.has(order.status)) throw new Error(`alpaca simulator: order ${orderId} is ${order.status}`);
    this.fillOrder(accountId, order, findAsset(order.symbol) as AssetFixture);
    return { ...order };
  }

  positions(accountId: string): Record<string, unknown>[] {
    return [...this.book(accountId).positions.values()].map(positionBody);
  }

  position(accountId: string, symbolOrAssetId: string): Record<string, unknown> {
    return positionBody(this.findPosition(accountId, symbolOrAssetId));
  }

  /** Closes all or part of a position with a market order in the opposite direction. */
  closePosition(
    accountId: string,
    symbolOrAssetId: string,
    qtyText?: string | null,
    percentText?: string | null,
  ): SimOrder {
    const position = this.findPosition(accountId, symbolOrAssetId);
    if (qtyText && percentText) throw invalid("give qty or percentage, not both", 400);
    let qty = Math.abs(position.qty);
    if (qtyText) {
      qty = Number(qtyText);
      if (!(qty > 0) || qty > Math.abs(position.qty))
        throw invalid(`qty must be above 0 and at most ${Math.abs(position.qty)}`);
    } else if (percentText) {
      const percent = Number(percentText);
      if (!(percent > 0 && percent <= 100)) throw invalid("percentage must be above 0 and at most 100");
      qty = (Math.abs(position.qty) * percent) / 100;
    }
    const side = position.qty > 0 ? "sell" : "buy";
    return this.create(accountId, {
      symbol: position.symbol,
      qty: quantity(qty),
      side,
      type: "market",
      time_in_force: "day",
    });
  }

  closeAllPositions(accountId: string, cancelOrders: boolean): { symbol: string; status: number; body: SimOrder }[] {
    if (cancelOrders) this.cancelAll(accountId);
    return [...this.book(accountId).positions.values()].map((p) => ({
      symbol: p.symbol,
      status: 200,
      body: this.closePosition(accountId, p.symbol),
    }));
  }

  activities(accountId: string): Activity[] {
    return [...this.book(accountId).activities];
  }

  /** Cash plus positions at their reference prices. */
  equity(accountId: string): number {
    const book = this.book(accountId);
    let value = book.cash;
    for (const p of book.positions.values()) value += p.qty * (findAsset(p.symbol)?.price ?? 0);
    return value;
  }

  private book(accountId: string): Book {
    const book = this.books.get(accountId);
    if (!book) throw fail(404, ErrorCode.notFound, "account not found");
    return book;
  }

  private claimClientOrderId(book: Book, value: unknown): string {
    if (value === undefined || value === null || value === "") return randomUUID();
    if (typeof value !== "string") throw invalid("client_order_id must be a string");
    if (value.length > 128) throw invalid("client_order_id must be at most 128 characters");
    if (book.byClientId.has(value)) throw invalid("client_order_id must be unique");
    return value;
  }

  private findPosition(accountId: string, symbolOrAssetId: string): Position {
    const asset = findAsset(symbolOrAssetId);
    const position = asset ? this.book(accountId).positions.get(asset.symbol) : undefined;
    if (!position) throw fail(404, ErrorCode.notFound, "position does not exist");
    return position;
  }

  private fillOrder(accountId: string, order: SimOrder, asset: AssetFixture): void {
    const book = this.book(accountId);
    const price = order.limit_price !== null ? Number(order.limit_price) : asset.price;
    const qty = order.qty !== null ? Number(order.qty) : Number(order.notional) / price;
    const signed = order.side === "buy" ? qty : -qty;
    const now = this.now();
    const at = now.toISOString();

    book.cash -= signed * price;
    const position = book.positions.get(asset.symbol) ?? { symbol: asset.symbol, qty: 0, cost: 0 };
    const sameDirection = position.qty === 0 || Math.sign(position.qty) === Math.sign(signed);
    if (sameDirection) {
      position.cost += signed * price;
    } else {
      // Reducing keeps the average entry price; flipping starts a new one at this price.
      const remaining = position.qty + signed;
      position.cost =
        Math.sign(remaining) === Math.sign(position.qty)
          ? (position.cost / position.qty) * remaining
          : remaining * price;
    }
    position.qty = round(position.qty + signed);
    if (position.qty === 0) book.positions.delete(asset.symbol);
    else book.positions.set(asset.symbol, position);

    Object.assign(order, {
      status: "filled",
      filled_at: at,
      updated_at: at,
      filled_qty: quantity(qty),
      filled_avg_price: money(price),
    });
    book.activities.push({
      id: activityId(now),
      activity_type: "FILL",
      transaction_time: at,
      type: "fill",
      price: money(price),
      qty: quantity(qty),
      side: order.side,
      symbol: order.symbol,
      leaves_qty: "0",
      cum_qty: quantity(qty),
      order_id: order.id,
      order_status: "filled",
    });
    this.report({
      accountId,
      event: "fill",
      order: { ...order },
      at: now,
      price: money(price),
      qty: quantity(qty),
      positionQty: quantity(position.qty),
    });
  }
}

function positionBody(p: Position): Record<string, unknown> {
  const asset = findAsset(p.symbol) as AssetFixture;
  const current = asset.price;
  const lastday = round(current * 0.99);
  const avg = p.cost / p.qty;
  const marketValue = p.qty * current;
  const unrealized = marketValue - p.cost;
  return {
    asset_id: assetId(p.symbol),
    symbol: p.symbol,
    exchange: asset.exchange,
    asset_class: asset.class,
    asset_marginable: asset.class === "us_equity",
    avg_entry_price: money(avg),
    qty: quantity(p.qty),
    qty_available: quantity(p.qty),
    side: p.qty > 0 ? "long" : "short",
    market_value: money(marketValue),
    cost_basis: money(p.cost),
    unrealized_pl: money(unrealized),
    unrealized_plpc: ratio(unrealized / Math.abs(p.cost)),
    unrealized_intraday_pl: money(p.qty * (current - lastday)),
    unrealized_intraday_plpc: ratio((current - lastday) / lastday),
    current_price: money(current),
    lastday_price: money(lastday),
    change_today: ratio((current - lastday) / lastday),
  };
}

const round = (value: number) => Math.round(value * 1e9) / 1e9;
const money = (value: number) => String(Math.round(value * 100) / 100);
const quantity = (value: number) => String(round(value));
const ratio = (value: number) => String(Math.round(value * 1e6) / 1e6);

let activitySequence = 0;
/** Alpaca's activity ids: a sortable timestamp, `::`, and a unique suffix. */
function activityId(at: Date): string {
  const stamp = at.toISOString().replace(/\D/g, "").slice(0, 17);
  activitySequence++;
  return `${stamp}${String(activitySequence % 1000).padStart(3, "0")}::${randomUUID()}`;
}

function requireObject(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== "object" || Array.isArray(input)) {
    throw fail(400, ErrorCode.badBody, "request body must be a JSON object");
  }
  return input as Record<string, unknown>;
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") throw invalid(`${field} is required`);
  return value;
}

function requireEnum(body: Record<string, unknown>, field: string, allowed: readonly string[]): string {
  const value = requireString(body, field);
  if (!allowed.includes(value)) throw invalid(`invalid ${field} "${value}": expected one of ${allowed.join(", ")}`);
  return value;
}

/** Alpaca takes decimals as strings (numbers are tolerated). */
function optionalDecimal(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number <= 0) throw invalid(`${field} must be a positive decimal`);
  return number;
}
