/**
 * The attempt signal (attempt-signal.ts) stands in for an AbortController below a client's own timeout:
 * it must behave as an AbortSignal does for everything that reads it, and whatever needs a real
 * AbortSignal (another fetch, a Request, a signing credential) must get one that follows it.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { AttemptSignal, isAttemptSignal, toAbortSignal } from "../src/attempt-signal.js";
import type { CredentialProvider } from "../src/auth/provider.js";
import { createBrokerClient } from "../src/client.js";
import { compose, fromFetch, toFetch } from "../src/compose.js";
import type { ApiConfig } from "../src/config.js";
import { TimeoutError } from "../src/errors.js";
import { signing } from "../src/signing.js";
import { ownStackTimeout } from "../src/timeout.js";
import type { FetchLike } from "../src/types.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  const running = await startServer(handler);
  servers.push(running);
  return running;
}

/** Runs the same script of listener operations on a signal and records what the listeners saw. */
function script(signal: AbortSignal, abort: (reason: unknown) => void): string[] {
  const seen: string[] = [];
  const first = (event: Event) => seen.push(`first ${event.type} ${String(signal.aborted)}`);
  const removed = () => seen.push("removed");
  const object = { handleEvent: (event: Event) => seen.push(`object ${event.type}`) };
  signal.addEventListener("abort", first);
  signal.addEventListener("abort", first);
  signal.addEventListener("abort", removed);
  signal.addEventListener("abort", object);
  signal.addEventListener("other" as "abort", () => seen.push("other"));
  signal.removeEventListener("abort", removed);
  signal.onabort = () => seen.push("onabort");
  seen.push(`before ${String(signal.aborted)} ${String(signal.reason)}`);
  abort("why");
  abort("again");
  seen.push(`after ${String(signal.aborted)} ${String(signal.reason)}`);
  signal.addEventListener("abort", () => seen.push("late"));
  try {
    signal.throwIfAborted();
  } catch (error) {
    seen.push(`threw ${String(error)}`);
  }
  return seen;
}

describe("attempt signal", () => {
  it("listeners, onabort, abort and throwIfAborted behave as on an AbortController's signal", () => {
    const controller = new AbortController();
    const expected = script(controller.signal, (reason) => controller.abort(reason));
    const attempt = new AttemptSignal();
    const actual = script(attempt as unknown as AbortSignal, (reason) => attempt.abort(reason));
    expect(actual).toEqual(expected);
  });

  it("aborts with an AbortError DOMException when no reason is given", () => {
    const attempt = new AttemptSignal();
    attempt.abort();
    expect(attempt.reason).toBeInstanceOf(DOMException);
    expect((attempt.reason as DOMException).name).toBe("AbortError");
  });

  it("toAbortSignal: a real signal that follows the attempt, made once; a real signal stays itself", () => {
    const attempt = new AttemptSignal();
    const real = toAbortSignal(attempt as unknown as AbortSignal);
    expect(real).toBeInstanceOf(AbortSignal);
    expect(toAbortSignal(attempt as unknown as AbortSignal)).toBe(real);
    expect(real.aborted).toBe(false);
    attempt.abort("deadline");
    expect(real.aborted).toBe(true);
    expect(real.reason).toBe("deadline");

    const early = new AttemptSignal();
    early.abort("caller");
    const after = early.toAbortSignal();
    expect([after.aborted, after.reason]).toEqual([true, "caller"]);

    const plain = new AbortController().signal;
    expect(toAbortSignal(plain)).toBe(plain);
    expect(toAbortSignal(undefined)).toBeUndefined();
    expect(isAttemptSignal(plain)).toBe(false);
    expect(isAttemptSignal(attempt)).toBe(true);
  });
});

const CONFIG: ApiConfig = {
  broker: "attempt",
  api: "api",
  environments: { test: { servers: { api: "https://example.invalid" } } },
  server: "api",
  auth: [{ name: "keys", kind: "static-headers", headers: { "X-Key": "key" } }],
  rateLimits: [],
  routes: [],
  retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
  timeoutMs: 5_000,
  operations: [["GET", "/slow"]],
};

/** A server whose /slow never answers, and which reports when the client gave up on it (socket closed). */
async function hangingServer() {
  const arrived: string[] = [];
  const closed: string[] = [];
  const running = await serve((req, res: ServerResponse) => {
    if (req.url.pathname === "/fast") return sendJson(res, 200, { ok: true });
    arrived.push(req.url.pathname);
    res.on("close", () => closed.push(req.url.pathname));
  });
  return { url: running.url, arrived, closed };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("a client's own stack with attempt signals", () => {
  it("default transport: the deadline aborts the request on the wire and fails with a TimeoutError", async () => {
    const server = await hangingServer();
    const client = createBrokerClient(CONFIG, {
      environment: "test",
      credentials: { key: "k" },
      servers: { api: server.url },
      // Long enough for the request to reach the server first, even on a loaded machine.
      timeoutMs: 1_000,
    });
    const error = await client.runtime.fetch(new Request(`${server.url}/slow`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.arrived).toEqual(["/slow"]);
    await until(() => server.closed.length > 0);
    expect(server.closed).toEqual(["/slow"]);
  });

  it("default transport: the caller's abort ends the attempt with the caller's reason", async () => {
    const server = await hangingServer();
    const client = createBrokerClient(CONFIG, {
      environment: "test",
      credentials: { key: "k" },
      servers: { api: server.url },
    });
    const controller = new AbortController();
    const pending = client.runtime.fetch(new Request(`${server.url}/slow`, { signal: controller.signal }));
    await until(() => server.arrived.length > 0);
    expect(server.closed).toEqual([]);
    controller.abort(new Error("caller gave up"));
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).message).toBe("caller gave up");
    await until(() => server.closed.length > 0);
    expect(server.closed).toEqual(["/slow"]);
  });

  it("a fetch of the caller's own gets a real AbortSignal, which the deadline aborts", async () => {
    const server = await hangingServer();
    const signals: unknown[] = [];
    const own: FetchLike = (input, init) => {
      signals.push(init?.signal);
      return globalThis.fetch(input, init);
    };
    const client = createBrokerClient(CONFIG, {
      environment: "test",
      credentials: { key: "k" },
      servers: { api: server.url },
      timeoutMs: 150,
      fetch: own,
    });
    const fast = await client.runtime.fetch(new Request(`${server.url}/fast`));
    expect(await fast.json()).toEqual({ ok: true });
    const error = await client.runtime.fetch(new Request(`${server.url}/slow`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(signals).toHaveLength(2);
    for (const signal of signals) expect(signal).toBeInstanceOf(AbortSignal);
    expect((signals[1] as AbortSignal).aborted).toBe(true);
    expect((signals[1] as AbortSignal).reason).toBe(error);
  });

  it("a signing credential gets a real AbortSignal for the attempt", async () => {
    const server = await hangingServer();
    const received: unknown[] = [];
    const provider = {
      sign: async (request: Request, signal: AbortSignal) => {
        received.push(signal);
        return request;
      },
    } as unknown as CredentialProvider;
    const handler = compose(fromFetch(), [ownStackTimeout({ timeoutMs: 5_000 }), signing(provider)]);
    const fetchLike = toFetch(handler, () => ({ operation: { flags: { signed: true } } as never }));
    const response = await fetchLike(new Request(`${server.url}/fast`));
    expect(await response.json()).toEqual({ ok: true });
    expect(received).toHaveLength(1);
    expect(received[0]).toBeInstanceOf(AbortSignal);
  });
});
