/** POST /trade/v2/orders/precheck through the client: checks an order, places nothing, keeps its x-request-id. */
import { afterEach, describe, expect, it } from "vitest";
import { maxInWindow } from "../../testing/src/server.js";
import { clientFor, limitOrder, simulator, stopSimulators } from "./helpers.js";

afterEach(stopSimulators);

const PRECHECK_PATH = "/sim/openapi/trade/v2/orders/precheck";

describe("order precheck", () => {
  it("estimates a well-formed order without placing it", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const checked = await client.POST("/trade/v2/orders/precheck", { body: limitOrder(1.05) });
    expect(checked.response.status).toBe(200);
    expect(checked.data?.PreCheckResult).toBe("Ok");
    expect(checked.data?.EstimatedTotalCost).toBeCloseTo(105_000, 6);
    expect(sim.orders).toHaveLength(0);
    expect(sim.counters.ordersPlaced).toBe(0);
    expect((await client.GET("/port/v1/orders/me")).data?.Data).toEqual([]);

    // The idempotency rule covers precheck: the key is harmless there and lets a lost answer be asked again.
    const arrival = sim.arrivals.find((a) => a.path === PRECHECK_PATH);
    expect(arrival?.headers["x-request-id"]).toMatch(/\S/);
    // The same order placed right after its precheck is a new operation, not a duplicate of the check.
    const placed = await client.POST("/trade/v2/orders", { body: limitOrder(1.05) });
    expect(placed.response.status).toBe(200);
    expect(sim.counters.duplicateOrders).toBe(0);
    expect(sim.orders).toHaveLength(1);
    // The orders bucket spaces the precheck and the order, as Saxo does not say a precheck is exempt.
    const spaced = sim.arrivals.filter((a) => a.method === "POST" && a.path.startsWith("/sim/openapi/trade/v2/orders"));
    expect(spaced).toHaveLength(2);
    expect(
      maxInWindow(
        spaced.map((a) => a.at),
        1_000,
      ),
    ).toBe(1);
  });

  it("answers a business rejection in ErrorInfo and a malformed order with 400 naming the field", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const unknown = await client.POST("/trade/v2/orders/precheck", { body: { ...limitOrder(), Uic: 999_999 } });
    expect(unknown.response.status).toBe(200);
    expect(unknown.data?.PreCheckResult).toBe("Error");
    expect(unknown.data?.ErrorInfo?.ErrorCode).toBe("IllegalInstrumentId");

    const { BuySell: _omitted, ...withoutSide } = limitOrder();
    const malformed = await client.POST("/trade/v2/orders/precheck", { body: withoutSide });
    expect(malformed.response.status).toBe(400);
    expect(JSON.stringify(malformed.error)).toContain("BuySell");
    expect(sim.orders).toHaveLength(0);
  });
});
