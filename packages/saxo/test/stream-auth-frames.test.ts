/** Saxo streaming: re-authorisation on token refresh keeps the connection, and malformed frames are typed errors. */
import { afterEach, describe, expect, it } from "vitest";
import { EURUSD, eventually, simulator, stopSimulators } from "./helpers.js";
import { closeStreams, streamFor, subscriptionPosts, take } from "./stream-helpers.js";

afterEach(async () => {
  await closeStreams();
  await stopSimulators();
});

/** A message header with `referenceId`, `format` and `size` as given, and `payload` bytes after it. */
function frame(referenceId: string, format: number, size: number, payload = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(16 + referenceId.length);
  head.writeBigUInt64LE(1n, 0);
  head.writeUInt8(referenceId.length, 10);
  head.write(referenceId, 11, "ascii");
  head.writeUInt8(format, 11 + referenceId.length);
  head.writeInt32LE(size, 12 + referenceId.length);
  return Buffer.concat([head, payload]);
}

describe("Saxo stream authorisation", () => {
  it("a token refresh during streaming re-authorises the live connection: no reconnect, no subscription dropped", async () => {
    // No heartbeats: a message sent between the expiry and the re-authorisation would end the stream (as at Saxo).
    const sim = await simulator({ streamingHeartbeatMs: 3_600_000 });
    const { stream, client, streamEvents } = streamFor(sim, { tokenCheckMs: 20 });
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    await take(prices, 1);

    sim.expireAccessTokens();
    // REST traffic meets the expired token: one refresh, shared with the stream.
    const balance = await client.GET("/port/v1/balances/me");
    expect(balance.response.status).toBe(200);
    expect(sim.counters.refreshGrants).toBe(1);
    await eventually(() => sim.streamingWs.counts.reauthorizations === 1, "PUT …/authorize with the new token");
    await eventually(() => streamEvents.some((e) => e.type === "stream.reauthorize"), "the stream.reauthorize event");
    expect(streamEvents.filter((e) => e.type === "stream.reauthorize")).toHaveLength(1);

    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.111 } });
    const [delta] = await take(prices, 1);
    expect(delta?.state.Quote?.Bid).toBe(1.111);
    expect(sim.streamingWs.counts.expiredTokenCloses).toBe(0);
    expect(sim.streamingWs.connects).toHaveLength(1);
    expect(streamEvents.filter((e) => e.type === "stream.disconnect")).toEqual([]);
    expect(subscriptionPosts(sim)).toBe(1);
    expect(sim.counters.wrongBackend).toBe(0);
  });

  it("without re-authorisation the server ends the stream at its next message (what the test above rules out)", async () => {
    const sim = await simulator({ streamingHeartbeatMs: 3_600_000 });
    const { stream, client, streamEvents } = streamFor(sim, { tokenCheckMs: 3_600_000 });
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    await take(prices, 1);
    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.2 } });
    await take(prices, 1);

    sim.expireAccessTokens();
    await client.GET("/port/v1/balances/me");
    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.3 } });
    // Closed for the expired token; the reconnect (new token) resumes and the replay brings the delta.
    const [delta] = await take(prices, 1);
    expect(delta?.state.Quote?.Bid).toBe(1.3);
    expect(sim.streamingWs.counts.expiredTokenCloses).toBe(1);
    expect(sim.streamingWs.connects).toHaveLength(2);
    expect(streamEvents.filter((e) => e.type === "stream.disconnect")).toHaveLength(1);
  });
});

describe("Saxo stream frames", () => {
  it("malformed and truncated frames are reported as typed stream errors; the socket and subscriptions stay", async () => {
    const sim = await simulator();
    const { stream, streamEvents } = streamFor(sim);
    const prices = stream.subscribe("prices", { Arguments: EURUSD });
    const [snapshot] = await take(prices, 1);
    const referenceId = snapshot?.referenceId as string;

    sim.streamingWs.sendRaw(Buffer.from([1, 2, 3]));
    sim.streamingWs.sendRaw(frame(referenceId, 9, 2, Buffer.from("{}")));
    sim.streamingWs.sendRaw(frame(referenceId, 0, -1));
    sim.streamingWs.sendRaw(frame(referenceId, 0, 100, Buffer.from("{}")));
    sim.streamingWs.sendRaw(frame(referenceId, 0, 3, Buffer.from("{x}")));
    sim.streamingWs.sendRaw("a text frame");
    await eventually(() => streamEvents.filter((e) => e.type === "stream.error").length === 6, "six stream errors");
    const reasons = streamEvents.filter((e) => e.type === "stream.error").map((e) => (e as { reason: string }).reason);
    expect(reasons[0]).toContain("(truncated at byte 0)");
    expect(reasons[1]).toContain("bad-format");
    expect(reasons[2]).toContain("bad-size");
    expect(reasons[3]).toContain("truncated");
    expect(reasons[4]).toContain("bad-json");
    expect(reasons[5]).toContain("text frame");

    sim.streamingWs.pushPrice(21, { Quote: { Bid: 1.4 } });
    const [delta] = await take(prices, 1);
    expect(delta?.state.Quote?.Bid).toBe(1.4);
    expect(sim.streamingWs.connects).toHaveLength(1);
  });
});
