/**
 * The manifest's rate-limit and retry vocabulary, checked at a real server: weighted buckets, per-path-
 * parameter scopes, limits reported under declared header names, `safe` POSTs retried after a 503, and
 * idempotency keys carried in the query.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, type SimRequest, sendJson, startServer } from "../../testing/src/server.js";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig, RateLimitRule } from "../src/config.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(
  answer: (req: SimRequest, n: number) => { status?: number; headers?: Record<string, string> } = () => ({}),
) {
  let n = 0;
  const running = await startServer((req, res) => {
    const { status = 200, headers = {} } = answer(req, n++);
    sendJson(res, status, { query: req.url.search }, headers);
  });
  servers.push(running);
  return running;
}

function client(url: string, rules: RateLimitRule[], extra: Partial<ApiConfig> = {}) {
  const config: ApiConfig = {
    broker: "test",
    api: "limits",
    environments: { local: { servers: { api: url } } },
    server: "api",
    auth: [{ name: "key", kind: "static-headers", headers: { "X-Key": "key" } }],
    rateLimits: rules,
    routes: [],
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    timeoutMs: 5000,
    operations: [
      ["GET", "/light"],
      ["GET", "/heavy", { weight: 4 }],
      ["GET", "/accounts/{account}/orders", { weight: 2 }],
      ["POST", "/query", { safe: true }],
      ["POST", "/orders"],
    ],
    ...extra,
  };
  return createBrokerClient<never>(config, { environment: "local", credentials: { key: "secret-key-value" } });
}

const get = (c: ReturnType<typeof client>, url: string, init?: RequestInit) =>
  c.runtime.fetch(new Request(url, init)).then(async (response) => {
    await response.arrayBuffer();
    return response;
  });

function maxWeight(calls: { at: number; weight: number }[], windowMs: number): number {
  let best = 0;
  for (const first of calls) {
    const sum = calls.filter((c) => c.at >= first.at && c.at < first.at + windowMs).reduce((s, c) => s + c.weight, 0);
    best = Math.max(best, sum);
  }
  return best;
}

describe("rate-limit vocabulary", () => {
  it("a weighted bucket counts each call's weight: never more than the limit in weight per window", async () => {
    const running = await server();
    const c = client(running.url, [{ name: "weight", limit: 10, intervalMs: 400, unit: "weight", scope: "ip" }]);
    await Promise.all([
      ...Array.from({ length: 6 }, () => get(c, `${running.url}/heavy`)),
      ...Array.from({ length: 6 }, () => get(c, `${running.url}/light`)),
    ]);
    const weights = running.arrivals.map((a) => ({ at: a.at, weight: a.path === "/heavy" ? 4 : 1 }));
    expect(weights).toHaveLength(12);
    expect(maxWeight(weights, 400)).toBeLessThanOrEqual(10);
    // 30 weight at 10 per 400 ms: at least two full windows of waiting.
    expect(Math.max(...weights.map((w) => w.at)) - Math.min(...weights.map((w) => w.at))).toBeGreaterThanOrEqual(800);
  });

  it("a call heavier than the whole limit is refused at once, naming the rule", async () => {
    const running = await server();
    const c = client(running.url, [{ name: "tiny", limit: 3, intervalMs: 1000, unit: "weight" }]);
    await expect(get(c, `${running.url}/heavy`)).rejects.toThrow(
      /weighs 4, more than the whole limit of rule "tiny" \(3\)/,
    );
    expect(running.arrivals).toHaveLength(0);
  });

  it("a path-parameter scope gives each account its own budget", async () => {
    const running = await server();
    const c = client(running.url, [
      {
        name: "per-account",
        limit: 4,
        intervalMs: 600,
        unit: "weight",
        scope: { param: "account" },
        path: "/accounts/{account}/**",
      },
    ]);
    await Promise.all(
      ["a", "b"].flatMap((account) =>
        Array.from({ length: 4 }, () => get(c, `${running.url}/accounts/${account}/orders`)),
      ),
    );
    for (const account of ["a", "b"]) {
      const times = running.arrivals.filter((a) => a.path.includes(`/${account}/`)).map((a) => a.at);
      const calls = times.map((at) => ({ at, weight: 2 }));
      expect(maxWeight(calls, 600)).toBeLessThanOrEqual(4);
    }
    // Both accounts started at once: the first two calls of each went out together.
    const firsts = ["a", "b"].map((account) =>
      Math.min(...running.arrivals.filter((a) => a.path.includes(`/${account}/`)).map((a) => a.at)),
    );
    expect(Math.abs((firsts[0] as number) - (firsts[1] as number))).toBeLessThan(300);
  });

  it("a limit reported exhausted under a declared header name pauses the bucket until its reset", async () => {
    const running = await server((_, n) =>
      n === 0 ? { headers: { "X-Used-Weight": "50", "X-Weight-Reset": "700" } } : {},
    );
    const c = client(running.url, [
      {
        name: "weight",
        limit: 50,
        intervalMs: 60_000,
        unit: "weight",
        headers: { used: "X-Used-Weight", reset: "X-Weight-Reset", resetUnit: "ms" },
      },
    ]);
    await get(c, `${running.url}/light`);
    await get(c, `${running.url}/light`);
    const [first, second] = running.arrivals.map((a) => a.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(650);
  });

  it("a `safe` POST is retried after a 503 like a GET; another POST is not", async () => {
    const running = await server((req) => ({
      status: running.arrivals.filter((a) => a.path === req.path).length === 1 ? 503 : 200,
    }));
    const c = client(running.url, []);
    expect((await get(c, `${running.url}/query`, { method: "POST", body: "{}" })).status).toBe(200);
    expect((await get(c, `${running.url}/orders`, { method: "POST", body: "{}" })).status).toBe(503);
    expect(running.arrivals.map((a) => a.path)).toEqual(["/query", "/query", "/orders"]);
  });

  it("an idempotency key in a query parameter: generated once, the same on every attempt, the caller's kept", async () => {
    const running = await server((_, n) => ({ status: n === 0 ? 503 : 200 }));
    const c = client(running.url, [], {
      idempotency: { query: "clientId", methods: ["POST"], paths: ["/orders"] },
    });
    await get(c, `${running.url}/orders?symbol=X`, { method: "POST" });
    await get(c, `${running.url}/orders?symbol=Y&clientId=mine`, { method: "POST" });
    const keys = running.arrivals.map((a) => a.query.get("clientId"));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys).toEqual([keys[0], keys[0], "mine"]);
    expect(running.arrivals[0]?.query.get("symbol")).toBe("X");
  });
});
