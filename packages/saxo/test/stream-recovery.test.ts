/** Saxo streaming recovery: _resetsubscriptions, dropped connections resumed by message id, _disconnect. */
import { afterEach, describe, expect, it } from "vitest";
import { ACCOUNT_KEY, EURUSD, eventually, limitOrder, simulator, stopSimulators } from "./helpers.js";
import { closeStreams, contextOf, streamFor, subscriptionPosts, take } from "./stream-helpers.js";

const USDJPY = { Uic: 42, AssetType: "FxSpot" } as const;

afterEach(async () => {
  await closeStreams();
  await stopSimulators();
});

describe("Saxo stream recovery", () => {
  it("_resetsubscriptions recreates exactly the listed subscriptions, and the merged state equals the server's", async () => {
    const sim = await simulator();
    const { stream, streamEvents } = streamFor(sim);
    const eur = stream.subscribe("prices", { Arguments: EURUSD });
    const jpy = stream.subscribe("prices", { Arguments: USDJPY });
    const [eurSnapshot] = await take(eur, 1);
    const [jpySnapshot] = await take(jpy, 1);
    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.1 } });
    await take(eur, 1);
    const before = sim.subscriptions().map((s) => s.ReferenceId);
    expect(subscriptionPosts(sim)).toBe(2);

    sim.streamingWs.resetSubscriptions([eurSnapshot?.referenceId as string]);
    const [fresh] = await take(eur, 1);
    expect(fresh?.kind).toBe("snapshot");
    expect(fresh?.referenceId).not.toBe(eurSnapshot?.referenceId);
    // Exactly one new subscription, replacing the listed one; the other one untouched.
    expect(subscriptionPosts(sim)).toBe(3);
    const replaced = sim.arrivals.filter((a) => a.method === "POST" && a.path.endsWith("/subscriptions")).at(-1);
    expect(replaced).toBeDefined();
    const after = sim.subscriptions().map((s) => s.ReferenceId);
    expect(after).toHaveLength(2);
    expect(after).toContain(jpySnapshot?.referenceId);
    expect(after).not.toContain(eurSnapshot?.referenceId);
    expect(after).toContain(fresh?.referenceId);
    expect(before).toContain(jpySnapshot?.referenceId);
    await eventually(() => streamEvents.some((e) => e.type === "stream.resubscribe"), "the resubscribe event");
    expect(streamEvents.filter((e) => e.type === "stream.resubscribe")).toHaveLength(1);

    sim.streamingWs.pushPrice(21, { Quote: { Ask: 1.3 } });
    sim.streamingWs.pushPrice(42, { Quote: { Ask: 151 } });
    const [eurDelta] = await take(eur, 1);
    const [jpyDelta] = await take(jpy, 1);
    const context = contextOf(sim);
    expect(eurDelta?.state).toEqual(sim.streamingWs.stateOf(context, fresh?.referenceId as string));
    expect(jpyDelta?.state).toEqual(sim.streamingWs.stateOf(context, jpySnapshot?.referenceId as string));

    // No reference ids: every subscription is made again.
    sim.streamingWs.resetSubscriptions();
    const [eurAgain] = await take(eur, 1);
    const [jpyAgain] = await take(jpy, 1);
    expect([eurAgain?.kind, jpyAgain?.kind]).toEqual(["snapshot", "snapshot"]);
    expect(subscriptionPosts(sim)).toBe(5);
    expect(
      sim
        .subscriptions()
        .map((s) => s.ReferenceId)
        .sort(),
    ).toEqual([eurAgain?.referenceId, jpyAgain?.referenceId].sort());
  });

  it("a dropped connection resumes from the last message id: no duplicate, no gap, even when the replay overlaps", async () => {
    const sim = await simulator({ orderLimit: 1000 });
    const { stream, client } = streamFor(sim);
    const orders = stream.subscribe("orders", { Arguments: { AccountKey: ACCOUNT_KEY } });
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    await take(orders, 1);
    await take(prices, 1);
    const placedBefore = await client.POST("/trade/v2/orders", { body: limitOrder(1.001) });
    await take(orders, 1);

    // The socket stops delivering (its deltas are lost in flight) while six orders are placed, then it
    // drops; the replay also repeats 5 messages the client already has.
    sim.streamingWs.stall();
    sim.streamingWs.setReplayOverlap(5);
    const placed: string[] = [placedBefore.data?.OrderId as string];
    for (let index = 0; index < 6; index++) {
      const reply = await client.POST("/trade/v2/orders", { body: limitOrder(1.002 + index / 1000) });
      placed.push(reply.data?.OrderId as string);
    }
    expect(orders.depth).toBe(0);
    expect(sim.streamingWs.dropConnections()).toBe(1);
    // Read until the merged state holds every order (each order's delta, plus price-driven changes of earlier ones).
    const deltas: Awaited<ReturnType<typeof take<typeof orders extends AsyncIterator<infer T> ? T : never>>> = [];
    for (let read = 0; read < 50 && (deltas.at(-1)?.state.length ?? 0) < placed.length; read++)
      deltas.push(...(await take(orders, 1)));
    expect(deltas.at(-1)?.state.map((order) => order.OrderId)).toEqual(placed);
    // No duplicate: every message id once, in increasing order.
    const ids = deltas.map((delta) => BigInt(delta.messageId as string));
    expect(ids.every((id, index) => index === 0 || id > (ids[index - 1] as bigint))).toBe(true);
    // No gap: each new order arrived, in the order it was placed.
    const firstSeen: string[] = [];
    for (const delta of deltas)
      for (const order of delta.data as { OrderId?: string }[])
        if (order.OrderId && !firstSeen.includes(order.OrderId) && order.OrderId !== placed[0])
          firstSeen.push(order.OrderId);
    expect(firstSeen).toEqual(placed.slice(1));
    expect(deltas.at(-1)?.state).toEqual(sim.streamingWs.stateOf(contextOf(sim), deltas[0]?.referenceId as string));

    // Resumed, not remade: the reconnect named the last id, and no subscription was created again.
    const reconnect = sim.streamingWs.connects.at(-1);
    expect(reconnect?.messageId).toMatch(/^\d+$/);
    expect(sim.streamingWs.counts.replayed).toBeGreaterThanOrEqual(6);
    expect(subscriptionPosts(sim)).toBe(2);

    // The price subscription went on too, and nothing more arrives on the orders channel.
    sim.streamingWs.pushPrice(21, { Quote: { Bid: 0.99 } });
    const [price] = await take(prices, 1);
    expect(price?.state.Quote?.Bid).toBe(0.99);
    expect(orders.depth).toBe(0);
  });

  it("a replay the server can no longer give turns into _resetsubscriptions: everything is made again", async () => {
    const sim = await simulator();
    const { stream } = streamFor(sim);
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    const [first] = await take(prices, 1);
    sim.streamingWs.dropConnections();
    // 1,100 messages while disconnected: more than the server's replay buffer holds.
    for (let index = 0; index < 1100; index++) sim.streamingWs.pushPrice(21, { Quote: { Bid: 1 + index / 1e5 } });
    const [fresh] = await take(prices, 1);
    expect(fresh?.kind).toBe("snapshot");
    expect(fresh?.referenceId).not.toBe(first?.referenceId);
    expect(sim.subscriptions().map((s) => s.ReferenceId)).toEqual([fresh?.referenceId]);
  });

  it("_disconnect: a new connection without replay, every subscription made again", async () => {
    const sim = await simulator();
    const { stream } = streamFor(sim);
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    const [first] = await take(prices, 1);
    sim.streamingWs.disconnect();
    const [fresh] = await take(prices, 1);
    expect(fresh?.kind).toBe("snapshot");
    expect(fresh?.referenceId).not.toBe(first?.referenceId);
    const reconnect = sim.streamingWs.connects.at(-1);
    expect(reconnect?.messageId).toBeUndefined();
    expect(reconnect?.contextId).toBe(contextOf(sim));
    await eventually(() => sim.subscriptions().length === 1, "the old subscription replaced");
    expect(sim.subscriptions()[0]?.ReferenceId).toBe(fresh?.referenceId);
  });
});
