/**
 * Throttle guarantees, checked where they matter: at a real 127.0.0.1 server, from its own arrival
 * timestamps. Timing bounds are loose on purpose (other suites share the 2 cores); the limit itself
 * is asserted exactly.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { maxInWindow, type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { compose, fromFetch } from "../src/compose.js";
import type { RateLimitRule } from "../src/config.js";
import { declaredLimitState } from "../src/declared-limit-headers.js";
import { RateLimitError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { parseRateLimitDimensions, parseRateLimitHeaders, parseRetryAfter } from "../src/rate-limit-headers.js";
import { createThrottle, type ThrottleOptions } from "../src/throttle.js";
import type { CallContext, Handler } from "../src/types.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(respond: (path: string, res: ServerResponse) => void = (_, res) => sendJson(res, 200, {})) {
  const running = await startServer((req, res) => respond(req.path, res));
  servers.push(running);
  return running;
}

function client(base: string, options: ThrottleOptions) {
  const throttle = createThrottle(options);
  const handler: Handler = compose(fromFetch(), [throttle.layer]);
  const call = async (path: string, init: RequestInit = {}, context: Partial<CallContext> = {}) => {
    const response = await handler(new Request(base + path, init), { attempt: 1, ...context });
    await response.arrayBuffer();
    return response;
  };
  return { throttle, call };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const burst = (n: number, call: () => Promise<unknown>) => Promise.all(Array.from({ length: n }, call));
const perSecond: RateLimitRule[] = [{ name: "all", limit: 100, intervalMs: 1000 }];

function arrivalTimes(running: RunningServer, filter: (path: string, method: string) => boolean = () => true) {
  return running.arrivals.filter((a) => filter(a.path, a.method)).map((a) => a.at);
}

function span(times: readonly number[]): number {
  return Math.max(...times) - Math.min(...times);
}

describe("throttle: exact sliding window, checked at the server (100/s)", () => {
  it("300 calls at once: never more than 100 in any 1 s window, and no capacity left idle", async () => {
    const running = await server();
    const { call, throttle } = client(running.url, { rules: perSecond });
    await burst(300, () => call("/quotes"));
    const times = arrivalTimes(running);
    expect(times).toHaveLength(300);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(100);
    // Exact schedule: 100 at 0 s, 100 at 1 s, 100 at 2 s. A smoothing limiter would end near 3 s.
    expect(span(times)).toBeGreaterThanOrEqual(2000);
    expect(span(times)).toBeLessThan(2600);
    expect(throttle.stats().waiting).toBe(0);
  });

  it("150 calls, a 1.5 s pause, 150 calls: within the limit, the second burst not held back", async () => {
    const running = await server();
    const { call } = client(running.url, { rules: perSecond });
    await burst(150, () => call("/quotes"));
    await sleep(1500);
    await burst(150, () => call("/quotes"));
    const times = arrivalTimes(running);
    expect(times).toHaveLength(300);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(100);
    // Exact: 100 at 0, 50 at 1.0 s, pause to 2.5 s, 100 at 2.5 s, 50 at 3.5 s. The ~67%-efficient
    // schedule (p-throttle strict) ends near 4.5 s.
    expect(span(times)).toBeLessThan(4200);
  });

  it("1 call, a 990 ms wait, 199 calls: the slot freed at 1 s is used at once", async () => {
    const running = await server();
    const { call } = client(running.url, { rules: perSecond });
    await call("/quotes");
    await sleep(990);
    await burst(199, () => call("/quotes"));
    const times = arrivalTimes(running);
    expect(times).toHaveLength(200);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(100);
    // Exact: 99 at 0.99 s, 1 at 1.0 s, 99 at 1.99 s. The ~67%-efficient schedule ends near 2.97 s.
    expect(span(times)).toBeLessThan(2500);
  });
});

describe("throttle: buckets", () => {
  it("a call takes every bucket it matches; an order queue does not hold up other calls", async () => {
    const running = await server();
    const rules: RateLimitRule[] = [
      { name: "scope", limit: 5, intervalMs: 300, path: "/{scope}/**" },
      { name: "orders", limit: 1, intervalMs: 300, path: "/{scope}/orders", methods: ["POST"] },
    ];
    const { call, throttle } = client(running.url, { rules });
    await Promise.all([
      burst(6, () => call("/trade/orders", { method: "POST", body: "{}" })),
      burst(10, () => call("/trade/info")),
      burst(10, () => call("/port/info")),
    ]);
    const orders = arrivalTimes(running, (path, method) => path === "/trade/orders" && method === "POST");
    const trade = arrivalTimes(running, (path) => path.startsWith("/trade/"));
    const tradeInfo = arrivalTimes(running, (path) => path === "/trade/info");
    const port = arrivalTimes(running, (path) => path.startsWith("/port/"));
    expect(orders).toHaveLength(6);
    expect(maxInWindow(orders, 300)).toBe(1);
    expect(maxInWindow(trade, 300)).toBeLessThanOrEqual(5);
    expect(maxInWindow(port, 300)).toBeLessThanOrEqual(5);
    // Orders need 5 × 300 ms; reads of the same scope fit beside them instead of queueing behind them.
    const lastOrder = Math.max(...orders);
    expect(Math.max(...tradeInfo)).toBeLessThan(lastOrder - 300);
    expect(Math.max(...port)).toBeLessThan(lastOrder - 600);
    expect(throttle.stats().waiting).toBe(0);
  });

  it("buckets of different identities are independent", async () => {
    const running = await server();
    const { call } = client(running.url, { rules: [{ name: "user", limit: 3, intervalMs: 400 }] });
    const as = (identity: string) => () => call("/x", { headers: { "x-user": identity } }, { identity });
    await Promise.all([burst(6, as("alice")), burst(6, as("bob"))]);
    const byUser = (user: string) => running.arrivals.filter((a) => a.headers["x-user"] === user).map((a) => a.at);
    expect(maxInWindow(byUser("alice"), 400)).toBeLessThanOrEqual(3);
    expect(maxInWindow(byUser("bob"), 400)).toBeLessThanOrEqual(3);
    // Each identity has its own 3 slots in the first window: 6 calls arrive before anyone waits.
    const first = Math.min(...running.arrivals.map((a) => a.at));
    expect(running.arrivals.filter((a) => a.at - first < 300)).toHaveLength(6);
  });

  it("idle buckets are swept: 100,000 calls over 100,000 scopes keep the bucket map small", async () => {
    let clock = 0;
    const throttle = createThrottle({
      rules: [{ name: "account", limit: 1, intervalMs: 10, path: "/accounts/{id}" }],
      now: () => clock,
    });
    const handler = throttle.layer(async () => new Response(null, { status: 204 }));
    for (let i = 0; i < 100_000; i++) {
      clock += 1;
      await handler(new Request(`http://127.0.0.1/accounts/${i}`), { attempt: 1 });
    }
    // Every bucket is idle 11 ms after its call; sweeps run every max(1024, buckets) admissions.
    expect(throttle.stats().buckets).toBeLessThanOrEqual(2048);
    expect(throttle.stats().waiting).toBe(0);
  });
});

describe("throttle: aborts", () => {
  it("an aborted waiter leaves at once with the caller's reason, without taking a slot", async () => {
    const running = await server();
    const { call, throttle } = client(running.url, { rules: [{ name: "slow", limit: 1, intervalMs: 600 }] });
    await call("/first");
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const started = performance.now();
    const waiting = call("/aborted", { signal: controller.signal });
    await sleep(50);
    expect(throttle.stats().waiting).toBe(1);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(450);
    expect(throttle.stats().waiting).toBe(0);
    // The slot it did not take goes to the next call, at the first call's expiry.
    await call("/third");
    expect(running.arrivals.map((a) => a.path)).toEqual(["/first", "/third"]);
    const [first, third] = running.arrivals.map((a) => a.at) as [number, number];
    expect(third - first).toBeGreaterThanOrEqual(590);
  });

  it("an already aborted call is rejected without taking a slot", async () => {
    const running = await server();
    const { call } = client(running.url, { rules: [{ name: "one", limit: 1, intervalMs: 5000 }] });
    const reason = new Error("already aborted");
    await expect(call("/x", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    // The only slot is still free: this call does not wait 5 s.
    await call("/y");
    expect(running.arrivals.map((a) => a.path)).toEqual(["/y"]);
  });
});

describe("throttle: server feedback", () => {
  function events() {
    const seen: MiddlewareEvent[] = [];
    return { seen, observer: (event: MiddlewareEvent) => seen.push(event) };
  }

  it("429 with Retry-After in seconds pauses the bucket", async () => {
    let answered = 0;
    const running = await server((_, res) =>
      answered++ === 0 ? sendJson(res, 429, {}, { "retry-after": "1" }) : sendJson(res, 200, {}),
    );
    const { seen, observer } = events();
    const { call } = client(running.url, { rules: perSecond, observer });
    expect((await call("/a")).status).toBe(429);
    expect((await call("/b")).status).toBe(200);
    const [first, second] = running.arrivals.map((a) => a.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(950);
    expect(seen.find((e) => e.type === "throttle.pause")).toMatchObject({ reason: "429", bucket: "anonymous:all" });
    expect(seen.find((e) => e.type === "throttle.wait")).toMatchObject({ bucket: "anonymous:all", method: "GET" });
  });

  it("429 with Retry-After as an HTTP-date pauses the bucket until that date", async () => {
    let answered = 0;
    let until = 0;
    const running = await server((_, res) => {
      if (answered++ > 0) return sendJson(res, 200, {});
      // HTTP-dates have 1 s resolution: ask for 2 s, which lands 1–2 s ahead.
      until = Math.floor(Date.now() / 1000) * 1000 + 2000;
      sendJson(res, 429, {}, { "retry-after": new Date(until).toUTCString() });
    });
    const { call } = client(running.url, { rules: perSecond });
    await call("/a");
    const pausedFrom = Date.now();
    await call("/b");
    expect(Date.now()).toBeGreaterThanOrEqual(until - 20);
    expect(Date.now() - pausedFrom).toBeGreaterThanOrEqual(until - pausedFrom - 20);
    expect(running.arrivals).toHaveLength(2);
  });

  it("exhausted Saxo dimension headers pause only the bucket they name", async () => {
    const running = await server((path, res) =>
      path === "/trade/orders"
        ? sendJson(res, 201, {}, { "x-ratelimit-sessionorders-remaining": "0", "x-ratelimit-sessionorders-reset": "1" })
        : sendJson(res, 200, {}),
    );
    const { seen, observer } = events();
    const rules: RateLimitRule[] = [
      { name: "service", limit: 50, intervalMs: 1000, path: "/trade/**" },
      { name: "orders", limit: 50, intervalMs: 1000, path: "/trade/orders", methods: ["POST"] },
    ];
    const { call } = client(running.url, { rules, observer });
    await call("/trade/orders", { method: "POST", body: "{}" });
    const answeredAt = performance.now();
    const read = call("/trade/info").then(() => performance.now() - answeredAt);
    const order = call("/trade/orders", { method: "POST", body: "{}" }).then(() => performance.now() - answeredAt);
    const [readMs, orderMs] = await Promise.all([read, order]);
    expect(orderMs).toBeGreaterThanOrEqual(950);
    expect(readMs).toBeLessThan(orderMs - 500);
    const pauses = seen.filter((e) => e.type === "throttle.pause");
    expect(pauses.length).toBeGreaterThan(0);
    expect(new Set(pauses.map((e) => e.type === "throttle.pause" && e.bucket))).toEqual(new Set(["anonymous:orders"]));
  });

  it("exhausted Alpaca headers (Reset in epoch seconds) pause the request's buckets", async () => {
    let resetAt = 0;
    let answered = 0;
    const running = await server((_, res) => {
      if (answered++ > 0) return sendJson(res, 200, {});
      resetAt = (Math.floor(Date.now() / 1000) + 1) * 1000;
      sendJson(
        res,
        200,
        {},
        { "x-ratelimit-limit": "200", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetAt / 1000) },
      );
    });
    const { call } = client(running.url, { rules: [{ name: "account", limit: 200, intervalMs: 60_000 }] });
    await call("/v2/account");
    await call("/v2/orders");
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt - 20);
  });
});

describe("throttle: the per-call fast paths keep their effects", () => {
  it("a call admitted at once records its slot; path captures keep their own buckets", async () => {
    let clock = 0;
    const throttle = createThrottle({
      rules: [{ name: "service", limit: 2, intervalMs: 1000, path: "/{service}/**" }],
      now: () => clock,
      maxWaitMs: 0,
    });
    const handler = throttle.layer(async () => new Response(null, { status: 204 }));
    const send = (path: string) => handler(new Request(`http://127.0.0.1${path}`), { attempt: 1, identity: "alice" });
    expect((await send("/port/a")).status).toBe(204);
    expect((await send("/port/b")).status).toBe(204);
    // The same service again: both of its slots are taken, so with no wait allowed the call is refused.
    await expect(send("/port/a")).rejects.toThrow(/found no free slot in bucket alice:service\{service=port\}/);
    // Another service (and the first path seen again for it later) has a bucket of its own.
    expect((await send("/trade/a")).status).toBe(204);
    expect(throttle.stats()).toEqual({ buckets: 2, waiting: 0 });
    clock += 2000;
    expect((await send("/port/a")).status).toBe(204);
  });

  it("a call already waiting for a slot fails as a new one would when a pause longer than maxPauseWaitMs arrives", async () => {
    const running = await server((path, res) => {
      if (path !== "/limited") return sendJson(res, 200, {});
      // Answered once the second call is already waiting for the only slot.
      setTimeout(() => sendJson(res, 429, { message: "slow down" }, { "retry-after": "60" }), 100);
    });
    const rules: RateLimitRule[] = [{ name: "all", limit: 1, intervalMs: 10_000 }];
    const { call } = client(running.url, { rules, maxPauseWaitMs: 500, maxWaitMs: 60_000 });
    const first = call("/limited");
    const waiting = call("/next");
    expect((await first).status).toBe(429);
    const error = await waiting.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toMatch(/\/next was not sent: the broker paused bucket anonymous:all/);
    // The limit reopens when the broker said: about a minute from its answer.
    expect((error as RateLimitError).reopensAt).toBeGreaterThan(Date.now() + 50_000);
    expect(running.arrivals.map((a) => a.path)).toEqual(["/limited"]);
  });

  it("feedback works when only some rate-limit headers are present, and ordinary headers teach nothing", async () => {
    const answers: Record<string, Record<string, string>> = {
      "/plain": { "cache-control": "no-store", "x-request-id": "42" },
      "/limit-only": { "x-ratelimit-limit": "100" },
      "/no-reset": { "x-ratelimit-remaining": "0" },
      "/saxo": { "x-ratelimit-sessionorders-remaining": "0", "x-ratelimit-sessionorders-reset": "5" },
      "/alpaca": { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "5" },
    };
    const running = await server((path, res) => sendJson(res, 200, {}, answers[path.slice(path.indexOf("/", 1))]));
    const seen: MiddlewareEvent[] = [];
    const rules: RateLimitRule[] = [
      { name: "service", limit: 50, intervalMs: 1000 },
      { name: "orders", limit: 50, intervalMs: 1000, path: "/orders/**" },
    ];
    // A call that meets a pause fails at once instead of waiting: no timing in this test.
    const { call } = client(running.url, { rules, observer: (event) => seen.push(event), maxPauseWaitMs: 0 });
    for (const path of ["/plain", "/limit-only", "/no-reset"]) await call(`/reads${path}`);
    await call("/reads/plain");
    expect(seen).toEqual([]);
    // Remaining and reset without a limit: the dimension it names (orders) is paused, the service is not.
    await call("/orders/saxo");
    await expect(call("/orders/x")).rejects.toThrow(/was not sent: the broker paused bucket anonymous:orders/);
    await call("/reads/plain");
    // Plain headers name no dimension: the request's own bucket is paused.
    await call("/reads/alpaca");
    await expect(call("/reads/plain")).rejects.toThrow(/the broker paused bucket anonymous:service/);
    expect(seen.map((event) => event.type === "throttle.pause" && [event.bucket, event.reason])).toEqual([
      ["anonymous:orders", "headers"],
      ["anonymous:service", "headers"],
    ]);
  });
});

describe("rate-limit headers", () => {
  const now = Date.UTC(2025, 0, 2, 3, 4, 5);

  it("reads Alpaca's epoch-second reset and Saxo's delta-second reset", () => {
    const alpaca = new Headers({
      "X-RateLimit-Limit": "200",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(now / 1000 + 30),
    });
    expect(parseRateLimitHeaders(alpaca, now)).toEqual({ limit: 200, remaining: 0, resetAt: now + 30_000 });
    const saxo = new Headers({
      "X-RateLimit-Session-Limit": "120",
      "X-RateLimit-Session-Remaining": "80",
      "X-RateLimit-Session-Reset": "40",
      "X-RateLimit-SessionOrders-Limit": "1",
      "X-RateLimit-SessionOrders-Remaining": "0",
      "X-RateLimit-SessionOrders-Reset": "1",
    });
    expect(parseRateLimitHeaders(saxo, now)).toEqual({ limit: 1, remaining: 0, resetAt: now + 1000 });
  });

  it("reads a declared reset in each unit: seconds or ms from now, epoch seconds or epoch ms", () => {
    const state = (reset: string, resetUnit?: "s" | "ms" | "epoch-s" | "epoch-ms") =>
      declaredLimitState(
        new Headers({ "x-used": "7", "x-reset": reset }),
        { used: "x-used", reset: "x-reset", ...(resetUnit ? { resetUnit } : {}) },
        10,
        now,
      );
    expect(state("1.5")).toEqual({ remaining: 3, resetAt: now + 1500 });
    expect(state("2", "s")).toEqual({ remaining: 3, resetAt: now + 2000 });
    expect(state("250.5", "ms")).toEqual({ remaining: 3, resetAt: now + 251 });
    expect(state(String(now / 1000 + 9), "epoch-s")).toEqual({ remaining: 3, resetAt: now + 9000 });
    expect(state(String(now + 42), "epoch-ms")).toEqual({ remaining: 3, resetAt: now + 42 });
    expect(declaredLimitState(new Headers(), { used: "x-used" }, 10, now)).toBeUndefined();
  });

  it("finds every dimension whatever else the answer carries, plain form first", () => {
    const headers = new Headers({
      "content-type": "application/json",
      "X-RateLimit-Orders-Remaining": "0",
      "x-request-id": "abc",
      "X-RateLimit-Remaining": "5",
      "X-RateLimit-Orders-Reset": "3",
      "X-RateLimit-Unknown-Form": "1",
    });
    expect(parseRateLimitDimensions(headers, now)).toEqual([
      { name: "", remaining: 5 },
      { name: "orders", remaining: 0, resetAt: now + 3000 },
    ]);
    expect(parseRateLimitDimensions(new Headers({ "content-type": "text/plain" }), now)).toEqual([]);
  });

  it("reads Retry-After as seconds or as an HTTP-date, and ignores junk", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRateLimitHeaders(new Headers({ "retry-after": "2" }), now)).toEqual({ retryAfterMs: 2000 });
    expect(parseRateLimitHeaders(new Headers({ "content-type": "application/json" }), now)).toEqual({});
  });
});
