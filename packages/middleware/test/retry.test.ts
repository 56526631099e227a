/**
 * Retry decisions against a real 127.0.0.1 server: what is replayed, what never is, and how long
 * it waits. The server counts what it really received.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  dropConnection,
  type RunningServer,
  type SimRequest,
  sendJson,
  startServer,
} from "../../testing/src/server.js";
import { compose, fromFetch } from "../src/compose.js";
import { AmbiguousOutcomeError, NetworkError, RateLimitError, TimeoutError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { type RetryOptions, retry } from "../src/retry.js";
import { timeout } from "../src/timeout.js";
import type { CallContext, Layer } from "../src/types.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server whose n-th answer (0-based) is chosen by `answer`. */
async function scripted(answer: (n: number, req: SimRequest, res: ServerResponse) => void) {
  let n = 0;
  const running = await startServer((req, res) => answer(n++, req, res));
  servers.push(running);
  return running;
}

function stack(options: RetryOptions & { inner?: Layer[] } = {}) {
  const events: MiddlewareEvent[] = [];
  const handler = compose(fromFetch(), [
    retry({ baseDelayMs: 10, observer: (event) => events.push(event), ...options }),
    ...(options.inner ?? []),
  ]);
  const call = (url: string, init: RequestInit = {}, seed: Partial<CallContext> = {}) => {
    const context: CallContext = { attempt: 1, ...seed };
    return { context, response: handler(new Request(url, init), context) };
  };
  return { events, call };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const retries = (events: MiddlewareEvent[]) => events.filter((e) => e.type === "retry");

describe("retry: HTTP statuses", () => {
  it("503 then 200: a GET is retried and the caller sees the 200", async () => {
    const server = await scripted((n, _, res) => sendJson(res, n === 0 ? 503 : 200, { n }));
    const { call, events } = stack();
    const { response, context } = call(`${server.url}/v2/quotes`);
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ n: 1 });
    expect(server.arrivals).toHaveLength(2);
    expect(context.attempt).toBe(2);
    expect(retries(events)).toEqual([
      expect.objectContaining({ attempt: 2, reason: "status 503", method: "GET", url: `${server.url}/v2/quotes` }),
    ]);
  });

  it("429 with Retry-After waits what the server asked", async () => {
    const server = await scripted((n, _, res) => sendJson(res, n === 0 ? 429 : 200, {}, { "retry-after": "1" }));
    const { call, events } = stack();
    expect((await call(`${server.url}/x`).response).status).toBe(200);
    const [first, second] = server.arrivals.map((a) => a.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(950);
    expect(retries(events)[0]).toMatchObject({ delayMs: 1000, reason: "status 429" });
  });

  it("a Retry-After longer than maxDelayMs is not waited for: the caller gets the 429 now", async () => {
    const server = await scripted((_, __, res) => sendJson(res, 429, {}, { "retry-after": "120" }));
    const { call } = stack({ maxDelayMs: 2000 });
    const answer = await call(`${server.url}/x`).response;
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("120");
    expect(server.arrivals).toHaveLength(1);
  });

  it("stops after `attempts` and returns the last response", async () => {
    const server = await scripted((n, _, res) => sendJson(res, 502, { n }));
    const { call, events } = stack({ attempts: 4 });
    const answer = await call(`${server.url}/x`).response;
    expect(answer.status).toBe(502);
    expect(await answer.json()).toEqual({ n: 3 });
    expect(server.arrivals).toHaveLength(4);
    expect(retries(events).map((e) => e.type === "retry" && e.attempt)).toEqual([2, 3, 4]);
  });

  it("a POST without an idempotency key is not retried on 503", async () => {
    const server = await scripted((_, __, res) => sendJson(res, 503, {}));
    const { call, events } = stack();
    const answer = await call(`${server.url}/v2/orders`, { method: "POST", body: "{}" }).response;
    expect(answer.status).toBe(503);
    expect(server.arrivals).toHaveLength(1);
    expect(retries(events)).toEqual([]);
  });

  it("a POST with an idempotency key is retried on 503, its body sent again each time", async () => {
    const server = await scripted((n, req, res) => sendJson(res, n === 0 ? 503 : 201, { body: req.json }));
    const { call } = stack();
    const init = { method: "POST", body: JSON.stringify({ symbol: "AAPL" }), headers: { "x-request-id": "k-1" } };
    const answer = await call(`${server.url}/v2/orders`, init, { idempotencyKey: "k-1" }).response;
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ body: { symbol: "AAPL" } });
    expect(server.arrivals.map((a) => a.headers["x-request-id"])).toEqual(["k-1", "k-1"]);
  });
});

describe("retry: network failures", () => {
  it("a POST without a key on a dropped connection is not replayed: AmbiguousOutcomeError", async () => {
    const server = await scripted((_, __, res) => dropConnection(res));
    const { call, events } = stack();
    const error = await call(`${server.url}/v2/orders`, { method: "POST", body: "{}" }).response.catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error.message).toMatch(/outcome is unknown/);
    expect(error.message).toMatch(/no idempotency key/);
    expect(error.idempotencyKey).toBeUndefined();
    expect(error.cause.code).toBe("UND_ERR_SOCKET");
    expect(server.arrivals).toHaveLength(1);
    expect(retries(events)).toEqual([]);
  });

  it("a POST with a key is replayed after a dropped connection, with the same key", async () => {
    const server = await scripted((n, _, res) => (n === 0 ? dropConnection(res) : sendJson(res, 201, {})));
    const { call } = stack();
    const init = { method: "POST", body: "{}", headers: { "X-REQID": "order-42" } };
    const answer = await call(`${server.url}/commands/orders`, init, { idempotencyKey: "order-42" }).response;
    expect(answer.status).toBe(201);
    expect(server.arrivals.map((a) => a.headers["x-reqid"])).toEqual(["order-42", "order-42"]);
  });

  it("a keyed POST whose outcome stays unknown rejects with AmbiguousOutcomeError carrying the key", async () => {
    const server = await scripted((_, __, res) => dropConnection(res));
    const { call } = stack({ attempts: 2 });
    const init = { method: "POST", body: "{}", headers: { "X-REQID": "order-43" } };
    const error = await call(`${server.url}/orders`, init, { idempotencyKey: "order-43" }).response.catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error.idempotencyKey).toBe("order-43");
    expect(error.message).toMatch(/order-43/);
    expect(server.arrivals).toHaveLength(2);
  });

  it("a keyed POST that may have arrived, whose replay a lower layer refuses before sending, is ambiguous", async () => {
    const server = await scripted((_, __, res) => dropConnection(res));
    // Below the retry layer, as the throttle is: the replay finds the broker's limit closed for a day.
    const refuseReplay: Layer = (next) => (request, context) =>
      context.attempt > 1
        ? Promise.reject(
            new RateLimitError("throttle: not sent", { method: request.method, url: request.url, status: 429 }),
          )
        : next(request, context);
    const { call } = stack({ attempts: 3, inner: [refuseReplay] });
    const init = { method: "POST", body: "{}", headers: { "X-REQID": "order-44" } };
    const error = await call(`${server.url}/orders`, init, { idempotencyKey: "order-44" }).response.catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error.cause).toBeInstanceOf(RateLimitError);
    expect(error.idempotencyKey).toBe("order-44");
    expect(server.arrivals).toHaveLength(1);
  });

  it("ECONNREFUSED means not sent: any method is retried, and succeeds once the server is up", async () => {
    const port = await closedPort();
    const late = createServer((_, res) => res.writeHead(201).end());
    const { call, events } = stack({
      baseDelayMs: 200,
      observer: (event) => {
        events.push(event);
        if (retries(events).length === 1) late.listen(port, "127.0.0.1");
      },
    });
    try {
      const answer = await call(`http://127.0.0.1:${port}/orders`, { method: "POST", body: "{}" }).response;
      expect(answer.status).toBe(201);
      expect(retries(events)[0]).toMatchObject({ reason: "network ECONNREFUSED", method: "POST" });
    } finally {
      late.closeAllConnections();
      await new Promise<void>((resolve) => late.close(() => resolve()));
    }
  });

  it("ECONNREFUSED on every attempt ends in a NetworkError that says the request was not sent", async () => {
    const port = await closedPort();
    const { call, events } = stack({ attempts: 3 });
    const error = await call(`http://127.0.0.1:${port}/v2/account`).response.catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).toMatch(/not sent/);
    expect(error.cause.code).toBe("ECONNREFUSED");
    expect(retries(events)).toHaveLength(2);
  });
});

describe("retry: aborts and timeouts", () => {
  it("a caller abort during the backoff stops at once with the caller's reason", async () => {
    const server = await scripted((_, __, res) => sendJson(res, 503, {}));
    const { call } = stack({ baseDelayMs: 5000, maxDelayMs: 5000 });
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const started = performance.now();
    const pending = call(`${server.url}/x`, { signal: controller.signal }).response;
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.arrivals).toHaveLength(1);
  });

  it("a caller abort during the request is never retried", async () => {
    const server = await scripted(() => {
      /* never answers */
    });
    const { call, events } = stack();
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const pending = call(`${server.url}/x`, { signal: controller.signal }).response;
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toBe(reason);
    expect(retries(events)).toEqual([]);
  });

  it("a TimeoutError is retried for a GET", async () => {
    const server = await scripted((n, _, res) => {
      if (n > 0) sendJson(res, 200, {});
    });
    const { call, events } = stack({ inner: [timeout({ timeoutMs: 150 })] });
    expect((await call(`${server.url}/slow`).response).status).toBe(200);
    expect(server.arrivals).toHaveLength(2);
    expect(retries(events)[0]).toMatchObject({ reason: "timeout" });
  });

  it("a timed-out POST without a key is not replayed: AmbiguousOutcomeError wrapping the TimeoutError", async () => {
    const server = await scripted(() => {
      /* never answers */
    });
    const { call } = stack({ inner: [timeout({ timeoutMs: 150 })] });
    const error = await call(`${server.url}/orders`, { method: "POST", body: "{}" }).response.catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 150 ms/);
    expect(server.arrivals).toHaveLength(1);
  });
});
