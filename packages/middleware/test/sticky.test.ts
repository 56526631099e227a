import type { CookieJar } from "tough-cookie";
import { afterEach, describe, expect, it } from "vitest";
import { bearer } from "../src/auth/index.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch } from "../src/compose.js";
import type { StickyRule } from "../src/config.js";
import { HttpError, NetworkError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { sticky } from "../src/sticky.js";
import { type Arrival, clientOf, delay, json, type LocalServer, startLocalServer } from "./support/local-server.js";

const RULE: StickyRule = { service: "/{service}/**", probe: "/{service}/isalive", lostStatuses: [409] };
const SERVICES = ["port", "trade", "ref"];

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function cookiesOf(arrival: Arrival): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (arrival.headers.cookie ?? "").split(/;\s*/)) {
    const [name, ...value] = pair.split("=");
    if (name) out[name] = value.join("=");
  }
  return out;
}

interface BalancerOptions {
  probeDelayMs?: number;
  /** Max-Age of the balancer cookie, in seconds. */
  maxAgeS?: number;
  /** Answer the first N probes with 503. */
  failProbes?: number;
}

/**
 * A Saxo-like gateway behind a load balancer at /sim/openapi: `/<service>/isalive` assigns a node
 * (cookies `lb-<service>` for the whole host and `route-<service>` for the service's path); a call
 * without the assigned node's cookie lands on a node that does not know the session: 409.
 */
async function startBalancer(options: BalancerOptions = {}) {
  let node = 0;
  let failures = options.failProbes ?? 0;
  const assigned = new Map<string, string>();
  const probes: { service: string; start: number; end: number; arrival: Arrival }[] = [];
  const calls: Arrival[] = [];
  const server = await startLocalServer(async (arrival, res) => {
    const match = /^\/sim\/openapi\/([^/]+)\/(.*)$/.exec(arrival.path);
    if (!match) return json(res, 200, { elsewhere: true });
    const [, service = "", rest] = match;
    if (rest === "isalive") {
      await delay(options.probeDelayMs ?? 0);
      const entry = { service, start: arrival.at, end: 0, arrival };
      probes.push(entry);
      if (failures > 0) {
        failures--;
        entry.end = performance.now();
        return json(res, 503, { message: "node starting" });
      }
      node++;
      assigned.set(service, `node-${node}`);
      const maxAge = options.maxAgeS === undefined ? "" : `; Max-Age=${options.maxAgeS}`;
      entry.end = performance.now();
      return json(res, 200, "OK", {
        "set-cookie": [
          `lb-${service}=node-${node}; Path=/; HttpOnly${maxAge}`,
          `route-${service}=r${node}; Path=/sim/openapi/${service}`,
        ],
      });
    }
    calls.push(arrival);
    const cookies = cookiesOf(arrival);
    if (!assigned.has(service) || cookies[`lb-${service}`] !== assigned.get(service)) {
      return json(res, 409, { ErrorCode: "SessionNotFound" });
    }
    if (rest === "v1/session") return json(res, 200, {}, { "set-cookie": "session=s-42; Path=/sim/openapi" });
    json(res, 200, { service, rest });
  });
  servers.push(server);
  return { url: server.url, base: `${server.url}/sim/openapi`, probes, calls, assigned };
}

function stackFor(base: string, rule: StickyRule = RULE) {
  const events: MiddlewareEvent[] = [];
  const layer = sticky({ rule, baseUrl: base, observer: (e) => events.push(e) });
  const provider = bearer({ accessToken: "saxo-access-token-0123456789" });
  const fetch = clientOf(compose(fromFetch(), [auth(provider), layer]), (request) =>
    request.headers.has("x-request-id") ? { idempotencyKey: request.headers.get("x-request-id") ?? "" } : {},
  );
  return { fetch, layer, events };
}

describe("sticky", () => {
  it("100 concurrent first calls across 3 services: 3 serialized probes without credentials, cookies on every call", async () => {
    const lb = await startBalancer({ probeDelayMs: 30 });
    const { fetch, layer, events } = stackFor(lb.base);
    const first = await Promise.all(
      Array.from({ length: 100 }, (_, i) => fetch(`${lb.base}/${SERVICES[i % 3]}/v1/items/${i}?x=${i}`)),
    );
    expect(first.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(lb.probes.map((p) => p.service).sort()).toEqual([...SERVICES].sort());
    const ordered = [...lb.probes].sort((a, b) => a.start - b.start);
    for (let i = 1; i < ordered.length; i++) {
      expect(ordered[i]?.start).toBeGreaterThan(ordered[i - 1]?.end ?? Number.POSITIVE_INFINITY);
    }
    for (const probe of lb.probes) {
      expect(probe.arrival.headers.authorization).toBeUndefined();
      expect(probe.arrival.headers.cookie).toBeUndefined();
    }
    for (const call of lb.calls) {
      const service = call.path.split("/")[3] ?? "";
      const cookies = cookiesOf(call);
      expect(call.headers.authorization).toBe("Bearer saxo-access-token-0123456789");
      expect(cookies[`lb-${service}`]).toBe(lb.assigned.get(service));
      expect(cookies[`route-${service}`]).toBeDefined();
      // Path-scoped cookies stay on their own service.
      for (const other of SERVICES.filter((s) => s !== service)) expect(cookies[`route-${other}`]).toBeUndefined();
    }
    expect(events.filter((e) => e.type === "probe")).toHaveLength(3);

    // Later calls carry every cookie set so far for their path.
    lb.calls.length = 0;
    await Promise.all(SERVICES.map((service) => fetch(`${lb.base}/${service}/v1/later`)));
    for (const call of lb.calls) {
      const service = call.path.split("/")[3] ?? "";
      const cookies = cookiesOf(call);
      for (const s of SERVICES) expect(cookies[`lb-${s}`]).toBe(lb.assigned.get(s));
      expect(cookies[`route-${service}`]).toBeDefined();
    }
    expect(lb.probes).toHaveLength(3);
    const header = await layer.cookieHeaderFor(`${lb.base}/trade/v2/orders`);
    for (const s of SERVICES) expect(header).toContain(`lb-${s}=${lb.assigned.get(s)}`);
    expect(header).toContain("route-trade=");
    expect(header).not.toContain("route-port=");
  });

  it("a Set-Cookie on a normal response updates the jar, and a caller's own Cookie is kept", async () => {
    const lb = await startBalancer();
    const { fetch, layer } = stackFor(lb.base);
    expect((await fetch(`${lb.base}/root/v1/session`)).status).toBe(200);
    expect(await layer.cookieHeaderFor(`${lb.base}/port/v1/x`)).toContain("session=s-42");
    await fetch(`${lb.base}/port/v1/accounts/me`, { headers: { cookie: "mine=1" } });
    const cookies = cookiesOf(lb.calls.at(-1) as Arrival);
    expect(cookies).toMatchObject({ mine: "1", session: "s-42", "lb-port": lb.assigned.get("port") });
    // The layer's jar is a tough-cookie CookieJar; its public type is structural (StickyJar).
    const jar = (await layer.jar()) as CookieJar;
    expect((await jar.getCookies(`${lb.base}/root/v1/x`)).map((c) => c.key)).toContain("session");
  });

  it("re-probes when the probe's cookie has expired from the jar", async () => {
    const lb = await startBalancer({ maxAgeS: 1 });
    const { fetch } = stackFor(lb.base);
    expect((await fetch(`${lb.base}/port/v1/a`)).status).toBe(200);
    expect((await fetch(`${lb.base}/port/v1/a`)).status).toBe(200);
    expect(lb.probes).toHaveLength(1);
    await delay(1_150);
    expect((await fetch(`${lb.base}/port/v1/a`)).status).toBe(200);
    expect(lb.probes).toHaveLength(2);
    expect(lb.calls).toHaveLength(3); // no call was sent without a live cookie
  });

  it("a lost-stickiness status re-probes and replays a GET once", async () => {
    const lb = await startBalancer();
    const { fetch } = stackFor(lb.base);
    expect((await fetch(`${lb.base}/port/v1/a`)).status).toBe(200);
    lb.assigned.clear(); // the balancer forgets every session
    expect((await fetch(`${lb.base}/port/v1/b?q=1`)).status).toBe(200);
    expect(lb.probes).toHaveLength(2);
    expect(lb.calls.map((c) => c.path.split("/").at(-1))).toEqual(["a", "b", "b"]);
  });

  it("a lost status on a POST without idempotency key is returned, and the next call re-probes first", async () => {
    const lb = await startBalancer();
    const { fetch } = stackFor(lb.base);
    await fetch(`${lb.base}/trade/v2/orders/x`);
    lb.assigned.clear();
    const post = await fetch(`${lb.base}/trade/v2/orders`, { method: "POST", body: "{}" });
    expect(post.status).toBe(409);
    expect(lb.probes).toHaveLength(1);
    expect((await fetch(`${lb.base}/trade/v2/orders/y`)).status).toBe(200);
    expect(lb.probes).toHaveLength(2);
    // With an idempotency key the POST is replayed after the re-probe, body intact.
    lb.assigned.clear();
    const keyed = await fetch(`${lb.base}/trade/v2/orders`, {
      method: "POST",
      body: '{"Amount":1}',
      headers: { "x-request-id": "req-1" },
    });
    expect(keyed.status).toBe(200);
    expect(lb.probes).toHaveLength(3);
    expect(lb.calls.slice(-2).map((c) => c.body)).toEqual(['{"Amount":1}', '{"Amount":1}']);
  });

  it("a failed probe rejects every waiting call and is retried by the next call", async () => {
    const lb = await startBalancer({ failProbes: 1, probeDelayMs: 20 });
    const { fetch, events } = stackFor(lb.base);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => fetch(`${lb.base}/chart/v3/charts`)));
    expect(lb.probes).toHaveLength(1);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason as HttpError;
      expect(reason).toBeInstanceOf(HttpError);
      expect(reason.status).toBe(503);
      expect(reason.message).toMatch(/probe GET .*\/chart\/isalive for service "chart" answered 503/);
    }
    expect(lb.calls).toHaveLength(0);
    expect((await fetch(`${lb.base}/chart/v3/charts`)).status).toBe(200);
    expect(lb.probes).toHaveLength(2);
    expect(events.filter((e) => e.type === "probe").map((e) => "status" in e && e.status)).toEqual([503, 200]);
  });

  it("a probe that cannot connect rejects with NetworkError", async () => {
    const lb = await startBalancer();
    const closed = lb.base;
    await servers.pop()?.close();
    const { fetch } = stackFor(closed);
    const error = await fetch(`${closed}/port/v1/a`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/probe GET .*\/port\/isalive for service "port" failed/);
  });

  it("calls outside the sticky rule are not probed; the layer works alone", async () => {
    const lb = await startBalancer();
    const layer = sticky({ rule: RULE, baseUrl: lb.base });
    const fetch = clientOf(compose(fromFetch(), [layer]));
    expect((await fetch(`${lb.url}/elsewhere`)).status).toBe(200);
    expect(lb.probes).toHaveLength(0);
    expect((await fetch(`${lb.base}/ref/v1/instruments`)).status).toBe(200);
    expect(lb.probes).toHaveLength(1);
  });

  it("rejects a rule without a {service} capture", () => {
    expect(() => sticky({ rule: { ...RULE, service: "/**" }, baseUrl: "https://gateway.example/openapi" })).toThrow(
      /must capture \{service\}/,
    );
  });
});
