/**
 * Every error path of the throttle, retry, timeout and idempotency layers, driven with a known
 * secret in the Authorization header and in a `?token=` query. The secret must appear nowhere:
 * not in messages, String(err), JSON, inspected errors (causes included) or observer events.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  dropConnection,
  type RunningServer,
  type SimRequest,
  sendJson,
  startServer,
} from "../../testing/src/server.js";
import { compose, fromFetch } from "../src/compose.js";
import { AmbiguousOutcomeError, NetworkError, TimeoutError } from "../src/errors.js";
import type { MiddlewareEvent } from "../src/events.js";
import { idempotency } from "../src/idempotency.js";
import { retry } from "../src/retry.js";
import { createThrottle } from "../src/throttle.js";
import { timeout } from "../src/timeout.js";

const HEADER_SECRET = "sk-live-H3ad3rS3cr3t-7f3a9c";
const QUERY_SECRET = "tok-Qu3ryS3cr3t-91b2";

const servers: RunningServer[] = [];
const events: MiddlewareEvent[] = [];
afterEach(async () => {
  events.length = 0;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(answer: (n: number, req: SimRequest, res: ServerResponse) => void) {
  let n = 0;
  const running = await startServer((req, res) => answer(n++, req, res));
  servers.push(running);
  return running;
}

/** The full resilience stack of this package, in production order. */
function stack(timeoutMs = 5000, limit = 50) {
  const observer = (event: MiddlewareEvent) => events.push(event);
  return compose(fromFetch(), [
    idempotency({ header: "X-REQID", methods: ["POST"] }),
    retry({ attempts: 2, baseDelayMs: 10, observer }),
    createThrottle({ rules: [{ name: "all", limit, intervalMs: 1000 }], observer }).layer,
    timeout({ timeoutMs }),
  ]);
}

function request(base: string, path: string, init: RequestInit = {}) {
  return new Request(`${base}${path}?token=${QUERY_SECRET}&symbol=AAPL`, {
    ...init,
    headers: { authorization: `Bearer ${HEADER_SECRET}`, "content-type": "application/json" },
  });
}

function expectNoSecret(value: unknown) {
  const views = [String(value), JSON.stringify(value), inspect(value, { depth: 10, showHidden: true })];
  if (value instanceof Error) views.push(value.message, value.stack ?? "");
  views.push(JSON.stringify(events));
  for (const view of views) {
    expect(view).not.toContain(HEADER_SECRET);
    expect(view).not.toContain(QUERY_SECRET);
  }
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("no secret escapes through errors or events", () => {
  it("NetworkError (connection refused, after retries)", async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const error = await stack()(request(base, "/v2/account"), { attempt: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(events.some((e) => e.type === "retry")).toBe(true);
    expectNoSecret(error);
  });

  it("AmbiguousOutcomeError (POST dropped mid-flight; key retried until exhausted)", async () => {
    const running = await server((_, __, res) => dropConnection(res));
    const error = await stack()(request(running.url, "/v2/orders", { method: "POST", body: "{}" }), {
      attempt: 1,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error.idempotencyKey).toEqual(expect.any(String));
    expectNoSecret(error);
    const unkeyed = compose(fromFetch(), [retry({ baseDelayMs: 10 })]);
    const second = await unkeyed(request(running.url, "/v2/orders", { method: "POST", body: "{}" }), {
      attempt: 1,
    }).catch((e) => e);
    expect(second).toBeInstanceOf(AmbiguousOutcomeError);
    expectNoSecret(second);
  });

  it("TimeoutError (no response headers, and a body that stalls)", async () => {
    const running = await server((_, req, res) => {
      if (req.path === "/stall") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{");
      }
    });
    const error = await stack(100)(request(running.url, "/v2/quotes"), { attempt: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expectNoSecret(error);
    const response = await stack(150)(request(running.url, "/stall"), { attempt: 1 });
    const bodyError = await response.json().catch((e) => e);
    expect(bodyError).toBeInstanceOf(TimeoutError);
    expectNoSecret(bodyError);
    const timedOutPost = await stack(100)(request(running.url, "/v2/orders", { method: "POST", body: "{}" }), {
      attempt: 1,
    }).catch((e) => e);
    expect(timedOutPost).toBeInstanceOf(AmbiguousOutcomeError);
    expectNoSecret(timedOutPost);
  });

  it("429 with Retry-After (throttle pause, throttle wait and retry events)", async () => {
    const running = await server((_, __, res) =>
      sendJson(
        res,
        429,
        { message: "slow down" },
        { "retry-after": "1", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" },
      ),
    );
    // Limit 1/s and two calls: the second waits in the throttle, then both see the pause.
    const handler = stack(5000, 1);
    const responses = await Promise.all([
      handler(request(running.url, "/v2/quotes"), { attempt: 1 }),
      handler(request(running.url, "/v2/quotes"), { attempt: 1 }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([429, 429]);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["retry", "throttle.pause", "throttle.wait"]));
    expectNoSecret(events);
  });
});
