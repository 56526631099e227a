/** Subscription routes end to end: create (snapshot + registry), delete by reference and by context, through the client. */
import { afterEach, describe, expect, it } from "vitest";
import { saxoConfig } from "../src/index.js";
import { ACCOUNT_KEY, clientFor, EURUSD, simulator, stopSimulators } from "./helpers.js";
import { SUBSCRIPTION_RESOURCES } from "./subscription-resources.js";

afterEach(stopSimulators);

const REQUIRED_ROUTES = SUBSCRIPTION_RESOURCES.flatMap((base) => [
  `POST ${base}`,
  `DELETE ${base}/{ContextId}`,
  `DELETE ${base}/{ContextId}/{ReferenceId}`,
]);

/** Arguments each resource's snapshot accepts. */
const ARGUMENTS: Record<(typeof SUBSCRIPTION_RESOURCES)[number], Record<string, unknown>> = {
  "/trade/v1/infoprices/subscriptions": { ...EURUSD, Amount: 100_000 },
  "/trade/v1/prices/subscriptions": { ...EURUSD, Amount: 100_000 },
  "/port/v1/orders/subscriptions": { AccountKey: ACCOUNT_KEY },
  "/port/v1/positions/subscriptions": { AccountKey: ACCOUNT_KEY },
  "/port/v1/netpositions/subscriptions": { AccountKey: ACCOUNT_KEY },
  "/port/v1/closedpositions/subscriptions": { AccountKey: ACCOUNT_KEY },
  "/port/v1/balances/subscriptions": { AccountKey: ACCOUNT_KEY },
  "/ens/v1/activities/subscriptions": { Activities: "Orders" },
  "/chart/v3/charts/subscriptions": { ...EURUSD, Horizon: 60, Count: 5 },
  "/root/v1/sessions/events/subscriptions": {},
};

describe("subscription routes", () => {
  it("every required subscription route is in the generated operation table", () => {
    const table = new Set(saxoConfig.operations.map(([method, template]) => `${method} ${template}`));
    expect(REQUIRED_ROUTES.filter((route) => !table.has(route))).toEqual([]);
  });

  it("creates each subscription with a snapshot, records it, and deletes it by reference and by context", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    for (const base of SUBSCRIPTION_RESOURCES) {
      // The generated client is typed per path; the loop goes through its untyped form on purpose.
      const post = client.POST as (path: string, init: unknown) => Promise<{ response: Response; data?: unknown }>;
      const del = client.DELETE as (path: string, init: unknown) => Promise<{ response: Response }>;
      const made = [];
      for (const ReferenceId of ["r1", "r2"]) {
        made.push(
          await post(base, {
            body: { ContextId: "ctx", ReferenceId, Arguments: ARGUMENTS[base], RefreshRate: 500 },
          }),
        );
      }
      expect(
        made.map((m) => m.response.status),
        base,
      ).toEqual([201, 201]);
      const first = made[0]?.data as { State: string; Snapshot: unknown; RefreshRate: number; ReferenceId: string };
      expect(first.State).toBe("Active");
      expect(first.ReferenceId).toBe("r1");
      expect(first.RefreshRate).toBe(500);
      expect(first.Snapshot, base).toBeDefined();
      expect(
        sim
          .subscriptions()
          .filter((s) => s.resource === base)
          .map((s) => s.ReferenceId),
      ).toEqual(["r1", "r2"]);

      const one = await del(`${base}/{ContextId}/{ReferenceId}`, {
        params: { path: { ContextId: "ctx", ReferenceId: "r1" } },
      });
      expect(one.response.status).toBe(202);
      expect(
        sim
          .subscriptions()
          .filter((s) => s.resource === base)
          .map((s) => s.ReferenceId),
      ).toEqual(["r2"]);
      const all = await del(`${base}/{ContextId}`, { params: { path: { ContextId: "ctx" } } });
      expect(all.response.status).toBe(202);
      expect(sim.subscriptions().filter((s) => s.resource === base)).toEqual([]);
    }
  });

  it("refuses a subscription without ContextId, and a missing reference is 404", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const bad = await client.POST("/trade/v1/infoprices/subscriptions", {
      body: { ContextId: "", ReferenceId: "r1", Arguments: { ...EURUSD } },
    });
    expect(bad.response.status).toBe(400);
    expect(JSON.stringify(bad.error)).toContain("ContextId");
    const missing = await client.DELETE("/port/v1/positions/subscriptions/{ContextId}/{ReferenceId}", {
      params: { path: { ContextId: "ctx", ReferenceId: "nope" } },
    });
    expect(missing.response.status).toBe(404);
    expect(sim.subscriptions()).toEqual([]);
  });

  it("sends no x-request-id on subscription calls (idempotency keys are for order routes only)", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    await client.POST("/trade/v1/infoprices/subscriptions", {
      body: { ContextId: "ctx", ReferenceId: "r1", Arguments: { ...EURUSD, Amount: 1000 } },
    });
    const arrival = sim.arrivals.find((a) => a.method === "POST" && a.path.endsWith("/infoprices/subscriptions"));
    expect(arrival).toBeDefined();
    expect(arrival?.headers["x-request-id"]).toBeUndefined();
  });
});
