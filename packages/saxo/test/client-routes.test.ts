/** The ClientKey/AccountKey and by-id portfolio routes, reference lists, diagnostics and audit, through the client. */
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT } from "../../testing/src/saxo/fixtures.js";
import { ACCOUNT_KEY, clientFor, limitOrder, simulator, stopSimulators } from "./helpers.js";

afterEach(stopSimulators);

const ClientKey = CLIENT.ClientKey;

describe("client-key and reference routes", () => {
  it("reads the portfolio by ClientKey (and AccountKey) the same as through /me", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const mine = await client.GET("/port/v1/positions/me");
    const byClient = await client.GET("/port/v1/positions", {
      params: { query: { ClientKey, AccountKey: ACCOUNT_KEY } },
    });
    expect(byClient.response.status).toBe(200);
    expect(byClient.data?.Data?.map((p) => p.PositionId)).toEqual(mine.data?.Data?.map((p) => p.PositionId));
    const id = mine.data?.Data?.[0]?.PositionId as string;
    const one = await client.GET("/port/v1/positions/{PositionId}", {
      params: { path: { PositionId: id }, query: { ClientKey } },
    });
    expect(one.data?.PositionId).toBe(id);

    const net = await client.GET("/port/v1/netpositions", { params: { query: { ClientKey } } });
    expect(net.data?.Data?.length).toBeGreaterThan(0);
    await client.POST("/trade/v2/orders", { body: limitOrder() });
    const orders = await client.GET("/port/v1/orders", { params: { query: { ClientKey } } });
    expect(orders.data?.Data).toHaveLength(1);
    const balance = await client.GET("/port/v1/balances", { params: { query: { ClientKey } } });
    expect(balance.data?.OrdersCount).toBe(1);
    const accounts = await client.GET("/port/v1/accounts", { params: { query: { ClientKey } } });
    expect(accounts.data?.Data?.map((a) => a.AccountKey)).toContain(ACCOUNT_KEY);
    const account = await client.GET("/port/v1/accounts/{AccountKey}", {
      params: { path: { AccountKey: ACCOUNT_KEY } },
    });
    expect(account.data?.AccountKey).toBe(ACCOUNT_KEY);
    const users = await client.GET("/port/v1/users", { params: { query: { ClientKey } } });
    expect(users.data?.Data).toHaveLength(1);
    const me = await client.GET("/port/v1/clients/me");
    expect(me.data?.ClientKey).toBe(ClientKey);
    expect((await client.GET("/port/v1/closedpositions/me")).data?.Data).toEqual([]);
    expect((await client.GET("/port/v1/closedpositions", { params: { query: { ClientKey } } })).data?.Data).toEqual([]);

    const audit = await client.GET("/cs/v1/audit/orderactivities", { params: { query: { ClientKey } } });
    expect(audit.data?.Data?.map((a) => a.OrderId)).toEqual(orders.data?.Data?.map((o) => o.OrderId));
  });

  it("names ClientKey when it is missing and answers 404 for someone else's", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const missing = await client.GET("/port/v1/positions", { params: { query: { ClientKey: "" } } });
    expect(missing.response.status).toBe(400);
    expect(JSON.stringify(missing.error)).toContain("ClientKey");
    const other = await client.GET("/port/v1/balances", { params: { query: { ClientKey: "someone-else" } } });
    expect(other.response.status).toBe(404);
  });

  it("lists exchanges, currencies and time zones, and answers diagnostics", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    expect((await client.GET("/ref/v1/exchanges")).data?.Data?.length).toBeGreaterThan(0);
    expect((await client.GET("/ref/v1/currencies")).data?.Data?.map((c) => c.CurrencyCode)).toContain("EUR");
    expect((await client.GET("/ref/v1/timezones")).data?.Data?.length).toBeGreaterThan(0);
    expect((await client.GET("/root/v1/diagnostics/get")).response.status).toBe(200);
    const list = await client.GET("/trade/v1/infoprices/list", {
      params: { query: { AssetType: "FxSpot", Uics: [21] } },
    });
    expect(list.data?.Data).toHaveLength(1);
    expect((await client.GET("/ens/v1/activities")).data?.Data).toEqual([]);
  });
});
