/**
 * The rate gate (a stream's own message limits) on vitest's fake clock: the gate reads Date.now(), so
 * the schedule is exact and nothing depends on how fast the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError, RateLimitError } from "../src/errors.js";
import { createRateGate, type RateGateOptions } from "../src/rate-gate.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function gate(limits: RateGateOptions["limits"], options: Partial<RateGateOptions> = {}) {
  const made = createRateGate({ name: "test feed", limits, marginMs: 0, now: () => Date.now(), ...options });
  const sent: string[] = [];
  /** Sends `what` through the gate; the send settles at once unless `settles` is given. */
  const send = (what: string, limits?: readonly string[], signal?: AbortSignal, settles?: Promise<void>) =>
    made.run(
      async () => {
        sent.push(what);
        await settles;
        return what;
      },
      { ...(limits ? { limits } : {}), ...(signal ? { signal } : {}) },
    );
  return { gate: made, sent, send };
}

describe("rate gate", () => {
  it("lets `limit` sends through at once and the next one interval after the first settled", async () => {
    const { sent, send } = gate([{ name: "messages", limit: 2, intervalMs: 1000 }]);
    const all = Promise.all([send("a"), send("b"), send("c")]);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(["a", "b", "c"]);
    await expect(all).resolves.toEqual(["a", "b", "c"]);
  });

  it("holds a slot until one interval after its send settles, even when that send fails", async () => {
    const { gate: made, sent } = gate([{ name: "messages", limit: 1, intervalMs: 1000 }]);
    let fail: (reason: Error) => void = () => {};
    const slow = made.run(
      () =>
        new Promise<never>((_, reject) => {
          sent.push("slow");
          fail = reject;
        }),
    );
    const next = made.run(async () => void sent.push("next"));
    await vi.advanceTimersByTimeAsync(500);
    fail(new Error("socket gone"));
    await expect(slow).rejects.toThrow("socket gone");
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual(["slow"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(["slow", "next"]);
    await next;
  });

  it("a send takes a slot in every limit it names; sends outside a full limit are not held up by it", async () => {
    const {
      gate: made,
      sent,
      send,
    } = gate([
      { name: "messages", limit: 3, intervalMs: 1000 },
      { name: "orders", limit: 1, intervalMs: 1000 },
    ]);
    const both = ["messages", "orders"];
    const all = Promise.all([send("order 1", both), send("order 2", both), send("quote 1", ["messages"])]);
    await vi.advanceTimersByTimeAsync(0);
    // order 2 waits for "orders"; quote 1 fits "messages" beyond the place order 2 holds there.
    expect(sent).toEqual(["order 1", "quote 1"]);
    expect(made.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual(["order 1", "quote 1", "order 2"]);
    await all;
  });

  it("with no limit named, a send takes a slot in every limit of the gate", async () => {
    const { sent, send } = gate([
      { name: "messages", limit: 5, intervalMs: 1000 },
      { name: "orders", limit: 1, intervalMs: 1000 },
    ]);
    const all = Promise.all([send("a"), send("b")]);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(all).resolves.toEqual(["a", "b"]);
  });

  it("an abort while waiting rejects with its reason, never sends, and gives the place to the next", async () => {
    const { gate: made, sent, send } = gate([{ name: "messages", limit: 1, intervalMs: 1000 }]);
    const controller = new AbortController();
    const first = send("first");
    const aborted = send("aborted", undefined, controller.signal);
    const last = send("last");
    await vi.advanceTimersByTimeAsync(0);
    expect(made.stats().waiting).toBe(2);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(made.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual(["first", "last"]);
    await Promise.all([first, last]);
  });

  it("a signal aborted already rejects at once, even with room, and takes no slot", async () => {
    const { sent, send } = gate([{ name: "messages", limit: 1, intervalMs: 1000 }]);
    const reason = new Error("too late");
    await expect(send("never", undefined, AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(send("now")).resolves.toBe("now");
    expect(sent).toEqual(["now"]);
  });

  it("a send that finds no slot within maxWaitMs fails with a RateLimitError naming the gate and limit", async () => {
    const { sent, send } = gate([{ name: "orders", limit: 1, intervalMs: 60_000 }], { maxWaitMs: 5_000 });
    const first = send("first");
    const refused = send("refused").catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await refused;
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toBe(
      'test feed: found no free slot in rate limit "orders" within maxWaitMs (5000 ms)',
    );
    expect((error as RateLimitError).status).toBe(429);
    expect(sent).toEqual(["first"]);
    await first;
  });

  it("with no limits, sends go straight through", async () => {
    const { gate: made, send } = gate([]);
    await expect(send("a")).resolves.toBe("a");
    expect(made.stats()).toEqual({ buckets: 0, waiting: 0 });
  });

  it("says clearly what is wrong with a limit or a limit name", () => {
    expect(() => gate([{ name: "orders", limit: 0, intervalMs: 1000 }])).toThrow(
      new ConfigError('test feed: rate limit "orders": limit must be a whole number ≥ 1, got 0'),
    );
    expect(() => gate([{ name: "orders", limit: 1, intervalMs: 0 }])).toThrow(
      'test feed: rate limit "orders": intervalMs must be a finite number > 0, got 0',
    );
    expect(() =>
      gate([
        { name: "orders", limit: 1, intervalMs: 1000 },
        { name: "orders", limit: 2, intervalMs: 1000 },
      ]),
    ).toThrow('test feed: rate limit "orders" is declared twice; names must be unique');
    expect(() => gate([{ name: "", limit: 1, intervalMs: 1000 }])).toThrow(
      "test feed: every rate limit needs a non-empty name",
    );
    const { send } = gate([{ name: "orders", limit: 1, intervalMs: 1000 }]);
    return expect(send("x", ["quotes"])).rejects.toThrow('test feed: no rate limit named "quotes" (known: orders)');
  });
});
