/** Saxo streaming end to end: REST subscriptions with a snapshot first, deltas merged, unsubscribe at the server. */
import { afterEach, describe, expect, it } from "vitest";
import { ACCOUNT_KEY, EURUSD, eventually, limitOrder, simulator, stopSimulators } from "./helpers.js";
import { closeStreams, contextOf, streamFor, subscriptionPosts, take } from "./stream-helpers.js";

const USDJPY = { Uic: 42, AssetType: "FxSpot" } as const;

afterEach(async () => {
  await closeStreams();
  await stopSimulators();
});

describe("Saxo stream subscriptions", () => {
  it("prices of two instruments: the snapshot first, then deltas merged into the state", async () => {
    const sim = await simulator();
    const { stream } = streamFor(sim);
    const eur = stream.subscribe("prices", { Arguments: EURUSD, RefreshRate: 0 });
    const jpy = stream.subscribe("prices", { Arguments: USDJPY });
    await Promise.all([eur.ready, jpy.ready]);
    const [eurSnapshot] = await take(eur, 1);
    const [jpySnapshot] = await take(jpy, 1);
    expect(eurSnapshot?.kind).toBe("snapshot");
    expect(eurSnapshot?.state.Uic).toBe(21);
    expect(jpySnapshot?.state.Uic).toBe(42);
    const ask = eurSnapshot?.state.Quote?.Ask;

    expect(sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.2345 } })).toBe(1);
    const [delta] = await take(eur, 1);
    expect(delta).toMatchObject({ kind: "delta", data: { Quote: { Bid: 1.2345 } } });
    expect(delta?.messageId).toMatch(/^\d+$/);
    // Merged: the new bid, and the snapshot's ask kept.
    expect(delta?.state.Quote).toMatchObject({ Bid: 1.2345, Ask: ask });
    expect(delta?.state).toEqual(sim.streamingWs.stateOf(contextOf(sim), delta?.referenceId as string));

    const posted = sim.arrivals.filter((a) => a.method === "POST" && a.path.endsWith("/trade/v1/prices/subscriptions"));
    expect(posted).toHaveLength(2);
    expect(sim.subscriptions().map((s) => s.ContextId)).toEqual([contextOf(sim), contextOf(sim)]);
  });

  it("orders: an order placed over REST arrives as a delta, and its cancellation removes it from the state", async () => {
    const sim = await simulator({ orderLimit: 100 });
    const { stream, client } = streamFor(sim);
    const orders = stream.subscribe("orders", { Arguments: { AccountKey: ACCOUNT_KEY } });
    const [snapshot] = await take(orders, 1);
    expect(snapshot).toMatchObject({ kind: "snapshot", state: [] });

    const placed = await client.POST("/trade/v2/orders", { body: limitOrder(1.01) });
    const orderId = placed.data?.OrderId as string;
    const [added] = await take(orders, 1);
    expect(added?.kind).toBe("delta");
    expect(added?.state.map((order) => order.OrderId)).toEqual([orderId]);
    expect(added?.state[0]).toMatchObject({ OrderId: orderId, Price: 1.01 });

    await client.DELETE("/trade/v2/orders/{OrderIds}", {
      params: { path: { OrderIds: orderId }, query: { AccountKey: ACCOUNT_KEY } },
    });
    const [removed] = await take(orders, 1);
    expect(removed?.data).toEqual([{ OrderId: orderId, __meta_deleted: true }]);
    expect(removed?.state).toEqual([]);
    expect(removed?.state).toEqual(sim.streamingWs.stateOf(contextOf(sim), removed?.referenceId as string));
  });

  it("positions, net positions, balances, info prices and ENS each start with their snapshot", async () => {
    const sim = await simulator({ orderLimit: 100 });
    const { stream, client } = streamFor(sim);
    const portfolio = { Arguments: { AccountKey: ACCOUNT_KEY } };
    const positions = stream.subscribe("positions", portfolio);
    const netPositions = stream.subscribe("netPositions", portfolio);
    const balances = stream.subscribe("balances", portfolio);
    const infoPrices = stream.subscribe("infoPrices", { Arguments: EURUSD });
    const ens = stream.subscribe("ens", { Arguments: { Activities: ["Orders"] } });
    const [position] = await take(positions, 1);
    const [netPosition] = await take(netPositions, 1);
    const [balance] = await take(balances, 1);
    const [info] = await take(infoPrices, 1);
    const [activities] = await take(ens, 1);
    expect(position?.state.length).toBeGreaterThan(0);
    expect(position?.state[0]?.PositionId).toBeTypeOf("string");
    expect(netPosition?.state[0]?.NetPositionId).toBeTypeOf("string");
    expect(balance?.state.Currency).toBeTypeOf("string");
    expect(info?.state.Uic).toBe(21);
    expect(activities?.state).toEqual([]);

    const placed = await client.POST("/trade/v2/orders", { body: limitOrder(1.02) });
    const [activity] = await take(ens, 1);
    expect(activity?.data).toEqual([
      expect.objectContaining({ ActivityType: "Orders", OrderId: placed.data?.OrderId }),
    ]);
    // The balance counts open orders: its delta carries just that field.
    const [balanceDelta] = await take(balances, 1);
    expect(Object.keys(balanceDelta?.data ?? {})).toEqual(["OrdersCount"]);
    expect(balanceDelta?.state.Currency).toBe(balance?.state.Currency);
    expect(subscriptionPosts(sim)).toBe(5);
  });

  it("unsubscribing (break, unsubscribe() or an abort) deletes the subscription at the server", async () => {
    const sim = await simulator();
    const { stream } = streamFor(sim);
    const first = stream.subscribe("prices", { Arguments: EURUSD });
    const second = stream.subscribe("prices", { Arguments: USDJPY });
    const aborter = new AbortController();
    const third = stream.subscribe("infoPrices", { Arguments: EURUSD }, { signal: aborter.signal });
    await Promise.all([first.ready, second.ready, third.ready]);
    expect(sim.subscriptions()).toHaveLength(3);

    for await (const update of first) {
      expect(update.kind).toBe("snapshot");
      break;
    }
    await second.unsubscribe();
    aborter.abort();
    await eventually(() => sim.subscriptions().length === 0, "every subscription deleted at the server");
    const deletes = sim.arrivals.filter((a) => a.method === "DELETE" && a.path.includes("/subscriptions/"));
    expect(deletes).toHaveLength(3);
    for (const arrival of deletes) expect(arrival.path).toContain(`/${contextOf(sim)}/`);
  });

  it("subscription creation goes through the REST throttle: Saxo's quota is respected, never a 429", async () => {
    // Three requests per second per service group at the simulator; its rate-limit headers pause the client.
    const sim = await simulator({ sessionRequestLimit: 3, sessionRequestWindowMs: 1000 });
    const { stream, events } = streamFor(sim);
    for (let index = 0; index < 6; index++) await stream.subscribe("prices", { Arguments: EURUSD }).ready;
    expect(subscriptionPosts(sim)).toBe(6);
    expect(sim.counters.rateLimited).toBe(0);
    const waits = events.filter((e) => e.type === "throttle.wait" || e.type === "throttle.pause");
    expect(waits.length).toBeGreaterThan(0);
  });

  it("a refused subscription rejects `ready` with the broker's status, and leaves nothing at the server", async () => {
    const sim = await simulator();
    const { stream } = streamFor(sim);
    const bad = stream.subscribe("prices", { Arguments: { Uic: 999_999, AssetType: "FxSpot" } });
    await expect(bad.ready).rejects.toMatchObject({ name: "StreamRequestError", code: 400 });
    expect(sim.subscriptions()).toHaveLength(0);
  });
});
