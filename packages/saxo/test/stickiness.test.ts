/** Sticky sessions end to end: one serialized isalive probe per service, every request on its pinned server. */
import { afterEach, describe, expect, it } from "vitest";
import { affinityCookieName } from "../../testing/src/saxo/index.js";
import { clientFor, EURUSD, simulator, stopSimulators } from "./helpers.js";

afterEach(stopSimulators);

describe("stickiness against the simulated load balancer", () => {
  it("50 concurrent first calls to 4 services make exactly 4 probes, one at a time, and lose no request", async () => {
    const probeLatencyMs = 20;
    const sim = await simulator({ probeLatencyMs });
    const { client, events } = clientFor(sim);
    const calls = [
      () => client.GET("/port/v1/accounts/me"),
      () => client.GET("/ref/v1/instruments", { params: { query: { Keywords: "EUR" } } }),
      () => client.GET("/trade/v1/infoprices", { params: { query: EURUSD } }),
      () => client.GET("/root/v1/sessions/capabilities"),
    ];

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (calls[i % 4] as () => Promise<{ response: Response }>)()),
    );

    expect(results.map((r) => r.response.status)).toEqual(Array(50).fill(200));
    expect(sim.counters.probes).toEqual({ port: 1, ref: 1, trade: 1, root: 1 });
    expect(sim.counters.wrongBackend).toBe(0);
    expect(sim.counters.overlappingProbes).toBe(0);
    // Serialized across services too: each probe arrived only after the previous one was answered.
    const starts = sim.probes.map((probe) => probe.at);
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(probeLatencyMs - 2);
    }
    // Every request reached the one server its service's probe pinned.
    for (const probe of sim.probes) {
      const servers = Object.keys(sim.counters.requestsPerBackend).filter((b) => b.startsWith(`${probe.service}-`));
      expect(servers).toEqual([probe.backend]);
    }
    expect(Object.values(sim.counters.requestsPerBackend).reduce((a, b) => a + b, 0)).toBe(50);
    expect(events.filter((e) => e.type === "probe")).toHaveLength(4);
  });

  it("sends the probe without a token, and the probe's cookies on every later request", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    await client.GET("/port/v1/users/me");
    await client.GET("/port/v1/balances/me");
    const [probe, ...calls] = sim.arrivals.filter((a) => a.path.includes("/port/"));
    expect(probe?.path).toBe("/sim/openapi/port/isalive");
    expect(probe?.headers.authorization).toBeUndefined();
    expect(probe?.headers.cookie).toBeUndefined();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers.cookie).toContain(`${affinityCookieName("port")}=`);
      expect(call.headers.cookie).toContain("oapi-edge=");
    }
  });

  it("re-probes when the server lost the session (503 for an expired affinity) and replays the call once", async () => {
    const sim = await simulator();
    const { client, events } = clientFor(sim);
    expect((await client.GET("/port/v1/accounts/me")).response.status).toBe(200);

    sim.expireStickiness(); // the client still holds its cookies; the servers no longer honour them
    const again = await client.GET("/port/v1/accounts/me");

    expect(again.response.status).toBe(200);
    expect(again.data?.Data.length).toBeGreaterThan(0);
    expect(sim.counters.wrongBackend).toBe(1); // the one request that hit the lost session
    expect(sim.counters.probes.port).toBe(2);
    const portArrivals = sim.arrivals.filter((a) => a.path.startsWith("/sim/openapi/port/")).map((a) => a.path);
    expect(portArrivals).toEqual([
      "/sim/openapi/port/isalive",
      "/sim/openapi/port/v1/accounts/me",
      "/sim/openapi/port/v1/accounts/me", // answered 503
      "/sim/openapi/port/isalive",
      "/sim/openapi/port/v1/accounts/me",
    ]);
    expect(events.filter((e) => e.type === "probe")).toHaveLength(2);
  });
});
