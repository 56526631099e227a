/**
 * ALOR order groups: existing orders linked so that they end together. The policy decides what a
 * member's fill or cancellation does to the rest:
 * - OnExecuteOrCancel: any fill or cancellation (a change is a cancellation) ends the group and cancels the others;
 * - IgnoreCancel: a fill ends the group and cancels the others; a cancelled order just leaves the group;
 * - TriggerBracketOrders: one limit order plus inactive stops; its fill activates the stops.
 */
import { randomUUID } from "node:crypto";
import { json, SimHttpError } from "./http.js";
import type { Exchange, ExecutionPolicy, OrderGroup } from "./shapes.js";
import type { AnyOrder, Trading } from "./trading.js";

export interface GroupMember {
  portfolio: string;
  exchange: Exchange;
  orderId: string;
  type: "Limit" | "Market" | "Stop" | "StopLimit";
}

const KIND_OF_TYPE = { Limit: "limit", Market: "market", Stop: "stop", StopLimit: "stoplimit" } as const;

/** ALOR's problem shape for refused group requests. */
export const groupProblem = (detail: string, status = 400) =>
  new SimHttpError(json({ title: "BadRequest", status, detail }, status));

export class OrderGroups {
  private readonly groups = new Map<string, OrderGroup>();

  constructor(
    private readonly trading: Trading,
    private readonly clock: () => Date,
  ) {}

  create(login: string, ownPortfolios: readonly string[], members: GroupMember[], policy: ExecutionPolicy): OrderGroup {
    if (!members.length) throw groupProblem("a group needs at least one order");
    const orders = members.map((m) => {
      if (!ownPortfolios.includes(m.portfolio)) {
        throw groupProblem(`Forbidden attempt to modify an order (${m.orderId}) not owned by the user`);
      }
      const stop = m.type === "Stop" || m.type === "StopLimit";
      const order = stop ? this.trading.stopOrder(m.orderId) : this.trading.order(m.orderId);
      if (!order || order.portfolio !== m.portfolio || order.exchange !== m.exchange) {
        throw groupProblem(`order ${m.orderId} (${m.type}) not found in ${m.exchange}/${m.portfolio}`);
      }
      if (order.type !== KIND_OF_TYPE[m.type]) throw groupProblem(`order ${m.orderId} is ${order.type}, not ${m.type}`);
      if (order.status !== "working")
        throw groupProblem(`order ${m.orderId} is ${order.status}; only working orders group`);
      if (this.activeGroupOf(order.id)) throw groupProblem(`order ${m.orderId} already belongs to an active group`);
      return order;
    });
    if (policy === "TriggerBracketOrders") {
      const limits = orders.filter((o) => o.type === "limit").length;
      const stops = orders.filter((o) => o.type === "stop" || o.type === "stoplimit");
      if (limits !== 1 || !stops.length || limits + stops.length !== orders.length) {
        throw groupProblem("TriggerBracketOrders needs exactly one limit order and at least one stop order");
      }
      if (stops.some((s) => !this.trading.inactiveStops.has(s.id))) {
        throw groupProblem("TriggerBracketOrders needs its stop orders created with activate=false");
      }
    }
    const group: OrderGroup = {
      id: randomUUID(),
      login,
      orders: orders.map((o) => ({ orderId: o.id })),
      executionPolicy: policy,
      status: "Active",
      createdAt: this.clock().toISOString(),
      closedAt: null,
    };
    this.groups.set(group.id, group);
    return group;
  }

  of(login: string): OrderGroup[] {
    return [...this.groups.values()].filter((g) => g.login === login);
  }

  get(login: string, id: string): OrderGroup {
    const group = this.groups.get(id.toLowerCase());
    if (!group || group.login !== login) throw groupProblem(`order group ${id} not found`);
    return group;
  }

  /** Dissolves the group; its orders stay as they are. */
  cancel(login: string, id: string): void {
    const group = this.get(login, id);
    if (group.status !== "Active") throw groupProblem(`order group ${id} is already ${group.status}`);
    this.close(group, "Canceled");
  }

  /** Called by the trading book whenever an order is filled or cancelled. */
  orderFinished(order: AnyOrder): void {
    const group = this.activeGroupOf(order.id);
    if (!group) return;
    if (order.status === "filled") {
      this.close(group, "Filled");
      if (group.executionPolicy === "TriggerBracketOrders") {
        for (const { orderId } of group.orders) this.trading.inactiveStops.delete(orderId);
      } else {
        this.cancelOthers(group, order.id);
      }
      return;
    }
    if (group.executionPolicy === "IgnoreCancel") {
      group.orders = group.orders.filter((m) => m.orderId !== order.id);
      if (!group.orders.length) this.close(group, "Canceled");
      return;
    }
    this.close(group, "Canceled");
    this.cancelOthers(group, order.id);
  }

  private activeGroupOf(orderId: string): OrderGroup | undefined {
    return [...this.groups.values()].find((g) => g.status === "Active" && g.orders.some((m) => m.orderId === orderId));
  }

  private close(group: OrderGroup, status: "Filled" | "Canceled"): void {
    group.status = status;
    group.closedAt = this.clock().toISOString();
  }

  private cancelOthers(group: OrderGroup, except: string): void {
    for (const { orderId } of group.orders) {
      if (orderId === except) continue;
      const other = this.trading.order(orderId) ?? this.trading.stopOrder(orderId);
      if (other?.status === "working") this.trading.finish(other, "canceled");
    }
  }
}
