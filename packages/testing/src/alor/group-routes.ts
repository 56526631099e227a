/** Order-group routes of the ALOR simulator (/commandapi/api/orderGroups). */
import { bodyObject, json, text } from "./http.js";
import { type GroupMember, groupProblem } from "./order-groups.js";
import { route } from "./route.js";
import { EXCHANGES, EXECUTION_POLICIES, type ExecutionPolicy } from "./shapes.js";

const MEMBER_TYPES = ["Limit", "Market", "Stop", "StopLimit"] as const;

function members(value: unknown): GroupMember[] {
  if (!Array.isArray(value)) throw groupProblem("body field 'orders' must be an array of orders");
  return value.map((item: unknown, i) => {
    const m = (item ?? {}) as Record<string, unknown>;
    const where = `orders[${i}]`;
    if (typeof m.portfolio !== "string") throw groupProblem(`body field '${where}.portfolio' is required`);
    if (!EXCHANGES.includes(m.exchange as never))
      throw groupProblem(`body field '${where}.exchange' must be MOEX or SPBX`);
    if (typeof m.orderId !== "string" || !m.orderId) throw groupProblem(`body field '${where}.orderId' is required`);
    if (!MEMBER_TYPES.includes(m.type as never)) {
      throw groupProblem(`body field '${where}.type' must be one of ${MEMBER_TYPES.join(", ")}`);
    }
    return m as unknown as GroupMember;
  });
}

function policy(value: unknown): ExecutionPolicy {
  if (EXECUTION_POLICIES.includes(value as never)) return value as ExecutionPolicy;
  throw groupProblem(`body field 'executionPolicy' must be one of ${EXECUTION_POLICIES.join(", ")}`);
}

export const groupRoutes = [
  route({
    method: "GET",
    pattern: "/commandapi/api/orderGroups",
    operationId: "listOrderGroups",
    handle: (ctx) => json(ctx.world.groups.of(ctx.caller.user.login)),
  }),
  route({
    method: "POST",
    pattern: "/commandapi/api/orderGroups",
    operationId: "createOrderGroup",
    handle: (ctx) => {
      const body = bodyObject(ctx.req);
      const group = ctx.world.groups.create(
        ctx.caller.user.login,
        ctx.caller.portfolios,
        members(body.orders),
        policy(body.executionPolicy),
      );
      return json({ message: "success", groupId: group.id });
    },
  }),
  route({
    method: "GET",
    pattern: "/commandapi/api/orderGroups/{orderGroupId}",
    operationId: "getOrderGroup",
    handle: (ctx) => json(ctx.world.groups.get(ctx.caller.user.login, ctx.params.orderGroupId as string)),
  }),
  route({
    method: "DELETE",
    pattern: "/commandapi/api/orderGroups/{orderGroupId}",
    operationId: "cancelOrderGroup",
    handle: (ctx) => {
      ctx.world.groups.cancel(ctx.caller.user.login, ctx.params.orderGroupId as string);
      return text("success");
    },
  }),
];
