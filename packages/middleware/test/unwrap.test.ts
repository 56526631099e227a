/**
 * `unwrap` and `throwOnError` map a real server's non-2xx answers to the typed errors: 401 → AuthError,
 * 429 → RateLimitError (with when it reopens), others → HttpError with status, parsed body and request id.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig } from "../src/config.js";
import { AuthError, HttpError, RateLimitError } from "../src/errors.js";
import { unwrap } from "../src/unwrap.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const TOKEN = "tok-9c1e5a7b3d2f4e6a8c0b1d3f5e7a9b2c";
const config: ApiConfig = {
  broker: "demo",
  api: "rest",
  environments: { test: { servers: { api: "https://example.invalid" } } },
  server: "api",
  auth: [{ name: "bearer", kind: "bearer" }],
  rateLimits: [],
  routes: [],
  retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  timeoutMs: 5_000,
  operations: [["GET", "/status/{code}"]],
};

/** The error a call was rejected with (typed loosely: each test checks the class first). */
const rejection = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error("expected the call to throw");
    },
    (error: unknown) => error as HttpError & { reopensAt?: number },
  );

type Get = (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

async function client(throwOnError: boolean) {
  const running = await startServer((req, res) => {
    const code = Number(req.path.split("/").pop());
    const headers: Record<string, string> = { "x-request-id": "req-42" };
    if (code === 429) headers["retry-after"] = "30";
    sendJson(res, code, code < 300 ? { ok: true } : { message: `refused ${TOKEN}` }, headers);
  });
  servers.push(running);
  const made = createBrokerClient(config, {
    environment: "test",
    credentials: { accessToken: TOKEN },
    servers: { api: running.url },
    throwOnError,
  });
  const get = (made as unknown as { GET: Get }).GET;
  return (code: number) => get("/status/{code}", { params: { path: { code } } });
}

describe("unwrap", () => {
  it("returns the data of a 2xx", async () => {
    const call = await client(false);
    expect(await unwrap(call(200))).toEqual({ ok: true });
  });

  it("401 → AuthError, 429 → RateLimitError with reopensAt, 500 → HttpError with body and request id", async () => {
    const call = await client(false);
    const auth = await rejection(unwrap(call(401)));
    expect(auth).toBeInstanceOf(AuthError);
    expect(auth.status).toBe(401);
    const limited = await rejection(unwrap(call(429)));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.reopensAt).toBeGreaterThan(Date.now() + 20_000);
    const failed = await rejection(unwrap(call(500)));
    expect(failed).toBeInstanceOf(HttpError);
    expect(failed).toMatchObject({ status: 500, requestId: "req-42" });
    for (const error of [auth, limited, failed]) {
      expect(error.message).toContain("refused");
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect(error.message).not.toContain(TOKEN);
    }
  });
});

describe("throwOnError", () => {
  it("resolves 2xx calls and throws the same typed errors, naming the method and path template", async () => {
    const call = await client(true);
    expect((await call(200)).data).toEqual({ ok: true });
    const failed = await rejection(call(503));
    expect(failed).toBeInstanceOf(HttpError);
    expect(failed.message).toMatch(/^GET \/status\/\{code\}: HTTP 503 refused/);
    expect(failed.method).toBe("GET");
    await expect(call(401)).rejects.toBeInstanceOf(AuthError);
  });
});
