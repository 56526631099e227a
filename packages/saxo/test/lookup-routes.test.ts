/** Lookups by key or id, bulk instrument details, PUT session capabilities, feature availability, diagnostics verbs. */
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT, USER } from "../../testing/src/saxo/fixtures.js";
import { ACCOUNT_KEY, clientFor, EURUSD, limitOrder, simulator, stopSimulators } from "./helpers.js";

afterEach(stopSimulators);

const ClientKey = CLIENT.ClientKey;

describe("lookups by key and id", () => {
  it("reads a client, a user, a net position and an open order by key or id, as their lists show them", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const byKey = await client.GET("/port/v1/clients/{ClientKey}", { params: { path: { ClientKey } } });
    expect(byKey.data).toEqual((await client.GET("/port/v1/clients/me")).data);
    const user = await client.GET("/port/v1/users/{UserKey}", { params: { path: { UserKey: USER.UserKey } } });
    expect(user.data?.UserKey).toBe(USER.UserKey);

    const nets = await client.GET("/port/v1/netpositions", { params: { query: { ClientKey } } });
    const first = nets.data?.Data?.[0];
    const net = await client.GET("/port/v1/netpositions/{NetPositionId}", {
      params: { path: { NetPositionId: first?.NetPositionId as string }, query: { ClientKey } },
    });
    // Prices move between the two reads, so compare the fields that do not.
    expect(net.data?.NetPositionId).toBe(first?.NetPositionId);
    expect(net.data?.NetPositionBase).toEqual(first?.NetPositionBase);

    const placed = await client.POST("/trade/v2/orders", { body: limitOrder() });
    const OrderId = placed.data?.OrderId as string;
    const order = await client.GET("/port/v1/orders/{ClientKey}/{OrderId}", {
      params: { path: { ClientKey, OrderId } },
    });
    expect(order.response.status).toBe(200);
    expect(order.data?.Data?.map((o) => o.OrderId)).toEqual([OrderId]);
    expect(order.data?.Data?.[0]?.AccountKey).toBe(ACCOUNT_KEY);
  });

  it("answers 404 for unknown keys and ids, and 400 naming a missing ClientKey", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const statuses = await Promise.all([
      client.GET("/port/v1/clients/{ClientKey}", { params: { path: { ClientKey: "nobody" } } }),
      client.GET("/port/v1/users/{UserKey}", { params: { path: { UserKey: "nobody" } } }),
      client.GET("/port/v1/netpositions/{NetPositionId}", {
        params: { path: { NetPositionId: "no-such-net" }, query: { ClientKey } },
      }),
      client.GET("/port/v1/closedpositions/{ClosedPositionId}", {
        params: { path: { ClosedPositionId: "no-such-closed" }, query: { ClientKey } },
      }),
      client.GET("/port/v1/orders/{ClientKey}/{OrderId}", { params: { path: { ClientKey, OrderId: "1" } } }),
    ]).then((results) => results.map((result) => result.response.status));
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    const missing = await client.GET("/port/v1/closedpositions/{ClosedPositionId}", {
      params: { path: { ClosedPositionId: "1" }, query: { ClientKey: "" } },
    });
    expect(missing.response.status).toBe(400);
    expect(JSON.stringify(missing.error)).toContain("ClientKey");
  });
});

describe("bulk instrument details", () => {
  it("returns the details of each requested instrument, the same as the one-instrument route", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const many = await client.GET("/ref/v1/instruments/details", {
      params: { query: { Uics: [EURUSD.Uic], AssetTypes: [EURUSD.AssetType] } },
    });
    const one = await client.GET("/ref/v1/instruments/details/{Uic}/{AssetType}", { params: { path: EURUSD } });
    expect(many.data?.Data).toEqual([one.data]);
    const page = await client.GET("/ref/v1/instruments/details", { params: { query: { $top: 1 } } });
    expect(page.data?.Data).toHaveLength(1);
    expect(page.data?.__next).toContain("$skip=1");
  });
});

describe("session capabilities and diagnostics", () => {
  it("sets the trade level with PUT as with PATCH", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const put = await client.PUT("/root/v1/sessions/capabilities", { body: { TradeLevel: "FullTradingAndChat" } });
    expect(put.response.status).toBe(202);
    expect((await client.GET("/root/v1/sessions/capabilities")).data?.TradeLevel).toBe("FullTradingAndChat");
    const bad = await client.PUT("/root/v1/sessions/capabilities", { body: {} });
    expect(bad.response.status).toBe(400);
  });

  it("lists feature availability", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const features = await client.GET("/root/v1/features/availability");
    expect(features.data?.map((entry) => entry.Feature)).toEqual(["News", "GainersLosers", "Calendar", "Chart"]);
    expect(features.data?.every((entry) => entry.Available)).toBe(true);
  });

  it("answers the diagnostics probe for every verb", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const answers = [
      await client.POST("/root/v1/diagnostics/post"),
      await client.PUT("/root/v1/diagnostics/put"),
      await client.PATCH("/root/v1/diagnostics/patch"),
      await client.DELETE("/root/v1/diagnostics/delete"),
    ];
    expect(answers.map((answer) => answer.response.status)).toEqual([200, 200, 200, 200]);
    expect(
      sim.arrivals.filter((a) => a.path.startsWith("/sim/openapi/root/v1/diagnostics/")).map((a) => a.method),
    ).toEqual(["POST", "PUT", "PATCH", "DELETE"]);
  });
});
