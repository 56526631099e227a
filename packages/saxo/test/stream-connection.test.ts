/** Saxo streaming connections: the probed backend every time, the REST jar's cookies, and no cookie → wrong backend. */
import { afterEach, describe, expect, it } from "vitest";
import { webSocketHandshake } from "../../testing/src/websocket.js";
import { EURUSD, eventually, simulator, stopSimulators } from "./helpers.js";
import { closeStreams, contextOf, streamFor, subscriptionPosts, take } from "./stream-helpers.js";

afterEach(async () => {
  await closeStreams();
  await stopSimulators();
});

describe("Saxo stream connection", () => {
  it("connects on the probed backend 100% of the time: 0 wrong-backend connects across 50 reconnects", async () => {
    const sim = await simulator();
    const { stream } = streamFor(sim);
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    await take(prices, 1);
    // One message on the socket: from now on each reconnect can name the last message id.
    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.25 } });
    await take(prices, 1);
    for (let reconnect = 1; reconnect <= 50; reconnect++) {
      expect(sim.streamingWs.dropConnections()).toBe(1);
      await eventually(
        () => sim.streamingWs.connects.length === reconnect + 1 && sim.streamingWs.openSockets() === 1,
        `reconnect ${reconnect}`,
      );
    }
    const connects = sim.streamingWs.connects;
    expect(connects).toHaveLength(51);
    expect(connects.filter((connect) => !connect.sticky || connect.status !== 101)).toEqual([]);
    expect(sim.counters.wrongBackend).toBe(0);
    // The streaming service was probed once, by the sticky layer, for all 51 connects.
    expect(sim.counters.probes.streaming).toBe(1);
    // Every reconnect resumed the same context: the subscription was never made again.
    expect(new Set(connects.map((connect) => connect.contextId)).size).toBe(1);
    expect(connects.slice(1).every((connect) => connect.messageId !== undefined)).toBe(true);
    expect(subscriptionPosts(sim)).toBe(1);
    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.5 } });
    const [delta] = await take(prices, 1);
    expect(delta?.state.Quote?.Bid).toBe(1.5);
  });

  it("a connect without the probed cookies lands on a wrong backend and fails, as in production", async () => {
    const sim = await simulator();
    const { stream, client, tokens } = streamFor(sim);
    await stream.subscribe("prices", { Arguments: EURUSD }).ready;
    const url = `${sim.servers.streamingws}/connect?contextId=${contextOf(sim)}`;
    const authorization = `Bearer ${tokens.access_token}`;
    expect(await webSocketHandshake(url, { Authorization: authorization })).toBe(503);
    expect(sim.counters.wrongBackend).toBe(1);
    const cookie = await client.runtime.cookieHeaderFor(url.replace(/^ws/, "http"));
    expect(await webSocketHandshake(url, { Authorization: authorization, Cookie: cookie })).toBe(101);
    expect(sim.counters.wrongBackend).toBe(1);
  });
});
