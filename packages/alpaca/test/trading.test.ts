/**
 * The generated Trading client end to end: account, replacing and cancelling an order, positions, and
 * forward compatibility: values outside the spec's enums (crypto assets on exchange "CRYPTO") and fields the
 * spec does not know arrive intact instead of breaking the call.
 */
import { describe, expect, it } from "vitest";
import { submitOrder } from "../src/trading.js";
import { limitOrder, simulator, tradingClient } from "./support.js";

describe("trading", () => {
  it("reads the account, places, replaces and cancels an order", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { data: account } = await client.GET("/v2/account");
    expect(account).toMatchObject({ id: sim.tradingAccountId, status: "ACTIVE", cash: "100000" });

    const { order } = await submitOrder(client, limitOrder({ limit_price: "150" }), { lookupDelayMs: 20 });
    const { data: replacement, error } = await client.PATCH("/v2/orders/{order_id}", {
      params: { path: { order_id: order.id as string } },
      body: { limit_price: "151.5", qty: "2" },
    });
    expect(error).toBeUndefined();
    expect(replacement).toMatchObject({ replaces: order.id, limit_price: "151.5", qty: "2", status: "new" });
    const { data: old } = await client.GET("/v2/orders/{order_id}", {
      params: { path: { order_id: order.id as string } },
    });
    expect(old).toMatchObject({ status: "replaced", replaced_by: replacement?.id });

    const { response } = await client.DELETE("/v2/orders/{order_id}", {
      params: { path: { order_id: replacement?.id as string } },
    });
    expect(response.status).toBe(204);
    const { data: open } = await client.GET("/v2/orders", { params: { query: { status: "open" } } });
    expect(open).toEqual([]);
  });

  it("fills a market order into a position and closes it", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    await submitOrder(client, { symbol: "MSFT", qty: "3", side: "buy", type: "market", time_in_force: "day" });
    const { data: position } = await client.GET("/v2/positions/{symbol_or_asset_id}", {
      params: { path: { symbol_or_asset_id: "MSFT" } },
    });
    expect(position).toMatchObject({ symbol: "MSFT", qty: "3", side: "long" });
    const { data: closing } = await client.DELETE("/v2/positions/{symbol_or_asset_id}", {
      params: { path: { symbol_or_asset_id: "MSFT" } },
    });
    expect(closing).toMatchObject({ symbol: "MSFT", side: "sell", status: "filled" });
    const { data: positions } = await client.GET("/v2/positions");
    expect(positions).toEqual([]);
  });
});

describe("forward compatibility", () => {
  it("an exchange outside the spec's enum (CRYPTO) does not break asset calls", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { data: assets, error } = await client.GET("/v2/assets", { params: { query: { asset_class: "crypto" } } });
    expect(error).toBeUndefined();
    const exchanges: string[] = (assets ?? []).map((a) => a.exchange);
    expect(exchanges).toContain("CRYPTO");
    const { data: bitcoin } = await client.GET("/v2/assets/{symbol_or_asset_id}", {
      params: { path: { symbol_or_asset_id: "BTCUSD" } },
    });
    expect(bitcoin).toMatchObject({ symbol: "BTC/USD", class: "crypto", exchange: "CRYPTO" });

    // Crypto orders and positions carry it too.
    await submitOrder(client, { symbol: "BTC/USD", qty: "0.01", side: "buy", type: "market", time_in_force: "gtc" });
    const { data: positions } = await client.GET("/v2/positions");
    expect(positions?.map((p) => p.exchange as string)).toEqual(["CRYPTO"]);
  });

  it("fields the spec does not declare arrive intact", async () => {
    const sim = await simulator();
    const client = tradingClient(sim);
    const { data: activities, error } = await client.GET("/v2/account/activities");
    expect(error).toBeUndefined();
    // The deposit's `description` is not in the spec's NonTradeActivity.
    const deposit = activities?.find((a) => a.activity_type === "CSD") as Record<string, unknown> | undefined;
    expect(deposit?.description).toBe("initial deposit");
  });
});
