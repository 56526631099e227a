/**
 * ALOR's 100 requests per second per user, checked where it matters: at the server. A burst of 1,000
 * concurrent calls through the real client must never put more than 100 arrivals in any sliding
 * 1-second window of the simulator's clock, and so never meet a 429.
 */
import { describe, expect, it } from "vitest";
import { unwrap } from "../src/index.js";
import { clientFor, simulator } from "./support.js";

/** The largest number of arrival times inside any half-open window [t, t + windowMs). */
function slidingWindowMax(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe("ALOR rate limit", () => {
  it("a 1,000-call burst never exceeds 100 arrivals in any 1 s window at the server", async () => {
    const sim = await simulator();
    const { client, count } = clientFor(sim);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 1000 }, () => unwrap(client.GET("/md/v2/time"))));
    const elapsedMs = performance.now() - started;

    expect(answers).toHaveLength(1000);
    const apiArrivals = sim.arrivals.filter((arrival) => arrival.path === "/md/v2/time");
    const busiest = slidingWindowMax(
      apiArrivals.map((arrival) => arrival.at),
      1000,
    );
    const figures = {
      arrivals: apiArrivals.length,
      served: sim.counters.requests.getServerTime,
      rateLimited: sim.counters.rateLimited,
      retries: count("retry"),
      busiest,
    };
    expect(busiest, JSON.stringify(figures)).toBeLessThanOrEqual(100);
    expect(sim.counters.rateLimited, JSON.stringify(figures)).toBe(0);
    expect(count("retry"), JSON.stringify(figures)).toBe(0);
    expect(apiArrivals, JSON.stringify(figures)).toHaveLength(1000);
    expect(count("throttle.wait")).toBeGreaterThan(0);
    // Loose sanity bound on throughput only (1,000 calls at 100/s need about 9-10 s).
    expect(elapsedMs).toBeLessThan(50_000);
    console.info(
      `1,000-call burst: busiest 1 s window at the server ${busiest} arrivals, ${Math.round(elapsedMs)} ms in all, ` +
        `${count("throttle.wait")} throttle waits, ${sim.counters.rateLimited} × 429`,
    );
  });

  it("the sliding-window measure itself counts what it should", () => {
    expect(slidingWindowMax([0, 999, 1000, 1999.9], 1000)).toBe(2);
    expect(slidingWindowMax([0, 1, 2, 3, 1002], 1000)).toBe(4);
    expect(slidingWindowMax([], 1000)).toBe(0);
  });
});
