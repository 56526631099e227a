/**
 * The trading book with a change feed for the data socket: every order placed, changed, filled or
 * cancelled, by REST, by the command socket or by an order group, is announced to the observers, and
 * each fill with its portfolio trade. It is the same book the REST routes use (the simulator creates
 * this class in place of Trading), so an order placed over REST reaches OrdersGetAndSubscribeV2.
 */
import type { Order, PortfolioTrade, StopOrder } from "../shapes.js";
import { type AnyOrder, type OrderTicket, type StopTicket, Trading } from "../trading.js";

export type TradingEvent =
  /** A regular order in its new state (working, filled or canceled). */
  | { kind: "order"; order: Order }
  | { kind: "stopOrder"; order: StopOrder }
  /** A fill: the order's trade; positions, summary and risk of its portfolio moved. */
  | { kind: "fill"; order: Order; trade: PortfolioTrade };

type LimitTicket = OrderTicket & { price: number; icebergFixed?: number | undefined };

const isStop = (order: AnyOrder): order is StopOrder => order.type === "stop" || order.type === "stoplimit";

export class ObservableTrading extends Trading {
  private readonly observers = new Set<(event: TradingEvent) => void>();

  /** Calls `observer` with every change; returns the function that stops it. */
  observe(observer: (event: TradingEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  override placeMarket(ticket: OrderTicket): Order {
    return this.announceWorking(super.placeMarket(ticket));
  }

  override placeLimit(ticket: LimitTicket): Order {
    return this.announceWorking(super.placeLimit(ticket));
  }

  override placeStop(ticket: StopTicket): StopOrder {
    const order = super.placeStop(ticket);
    this.emit({ kind: "stopOrder", order });
    return order;
  }

  /** Every final state passes here (fills, cancels, a change's cancelled original, group cascades). */
  override finish(order: AnyOrder, status: "filled" | "canceled"): void {
    super.finish(order, status);
    if (isStop(order)) {
      this.emit({ kind: "stopOrder", order });
      return;
    }
    this.emit({ kind: "order", order });
    if (status !== "filled") return;
    const trade = this.tradesOf(order.portfolio).findLast((t) => t.orderno === order.id);
    if (trade) this.emit({ kind: "fill", order, trade });
  }

  /** An order that filled at once was announced by finish(); one still working is announced here. */
  private announceWorking(order: Order): Order {
    if (order.status === "working") this.emit({ kind: "order", order });
    return order;
  }

  private emit(event: TradingEvent): void {
    for (const observer of this.observers) observer(event);
  }
}
