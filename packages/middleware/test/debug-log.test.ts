/**
 * The debug log (`logger` option and BROKERKIT_DEBUG=1) against a real 127.0.0.1 server: one line per
 * attempt with method, path template, status, attempt, duration, throttle wait and bucket; no secret.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { type RunningServer, sendJson, startServer } from "../../testing/src/server.js";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig } from "../src/config.js";
import { NetworkError } from "../src/errors.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const TOKEN = "tok-3f9a1c7e5b2d4a6f8e0c1b3d5f7a9e2c";

function config(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    broker: "demo",
    api: "rest",
    environments: { test: { servers: { api: "https://example.invalid" } } },
    server: "api",
    auth: [{ name: "bearer", kind: "bearer" }],
    rateLimits: [{ name: "orders", limit: 1, intervalMs: 150, path: "/orders/{id}" }],
    routes: [],
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 5_000,
    operations: [["GET", "/orders/{id}"]],
    ...overrides,
  };
}

/** Answers 503 to the first request, then 200 (or 404 for id "missing"); echoes the token in a 404 body. */
async function server() {
  let n = 0;
  const running = await startServer((req, res) => {
    n++;
    if (n === 1) return sendJson(res, 503, { message: "busy" });
    if (req.path.endsWith("/missing")) return sendJson(res, 404, { message: `no order for ${TOKEN}` });
    sendJson(res, 200, { id: req.path.split("/").pop() });
  });
  servers.push(running);
  return running;
}

describe("debug log", () => {
  it("logs one line per attempt with template, status, attempt, duration, throttle wait and bucket", async () => {
    const sim = await server();
    const lines: string[] = [];
    const client = createBrokerClient<Record<string, never>>(config(), {
      environment: "test",
      credentials: { accessToken: TOKEN },
      servers: { api: sim.url },
      logger: (line) => lines.push(line),
    });
    const call = (id: string) =>
      (client as unknown as { GET: (p: string, i: unknown) => Promise<{ response: Response }> }).GET("/orders/{id}", {
        params: { path: { id } },
      });
    expect((await call("ord-QWERTY")).response.status).toBe(200);
    expect((await call("missing")).response.status).toBe(404);

    expect(lines).toHaveLength(3);
    const [first, second, third] = lines as [string, string, string];
    expect(first).toMatch(
      /^brokerkit demo\/rest GET \/orders\/\{id\} 503 attempt=1 \d+ms throttle_wait=0ms bucket=\S+:orders\S*$/,
    );
    expect(second).toMatch(
      /^brokerkit demo\/rest GET \/orders\/\{id\} 200 attempt=2 \d+ms throttle_wait=\d+ms bucket=\S+:orders/,
    );
    expect(third).toMatch(/ GET \/orders\/\{id\} 404 attempt=1 /);
    // The bucket names the path values it is keyed by; the path itself is the template.
    expect(second).toContain("{id=ord-QWERTY}");
    for (const line of lines) expect(line).not.toContain(TOKEN);
  });

  it("a call that waited for a throttle slot logs the wait", async () => {
    const sim = await server();
    const lines: string[] = [];
    const client = createBrokerClient<Record<string, never>>(
      config({
        rateLimits: [{ name: "all", limit: 1, intervalMs: 400 }],
        retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      }),
      {
        environment: "test",
        credentials: { accessToken: TOKEN },
        servers: { api: sim.url },
        logger: (line) => lines.push(line),
      },
    );
    const get = (client as unknown as { GET: (p: string, i: unknown) => Promise<unknown> }).GET;
    // Sent together, one slot per 400 ms: the second is admitted only when the first's window has passed.
    await Promise.all(["b1", "b2"].map((id) => get("/orders/{id}", { params: { path: { id } } })));
    const waits = lines.map((line) => Number(/throttle_wait=(\d+)ms/.exec(line)?.[1]));
    expect(lines).toHaveLength(2);
    expect(Math.max(...waits)).toBeGreaterThan(0);
    expect(lines.every((line) => / bucket=bearer:\w+:all /.test(`${line} `))).toBe(true);
  });

  it("logs an attempt that failed without an answer under the error's name", async () => {
    const sim = await server();
    await sim.close();
    const lines: string[] = [];
    const client = createBrokerClient<Record<string, never>>(
      config({ rateLimits: [], retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
      {
        environment: "test",
        credentials: { accessToken: TOKEN },
        servers: { api: sim.url },
        logger: (line) => lines.push(line),
      },
    );
    const get = (client as unknown as { GET: (p: string, i: unknown) => Promise<unknown> }).GET;
    // The caller sees a NetworkError; the line names what the transport threw (undici: an Error with a code).
    await expect(get("/orders/{id}", { params: { path: { id: "x" } } })).rejects.toBeInstanceOf(NetworkError);
    expect(lines).toEqual([
      expect.stringMatching(
        /^brokerkit demo\/rest GET \/orders\/\{id\} (?:NetworkError|TypeError|Error)\(ECONNREFUSED\) attempt=1 \d+ms throttle_wait=0ms bucket=-$/,
      ),
    ]);
  });

  it("BROKERKIT_DEBUG=1 logs to console.error when no logger is given; unset, nothing is logged", async () => {
    const sim = await server();
    const printed: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void printed.push(String(line)));
    const options = { environment: "test", credentials: { accessToken: TOKEN }, servers: { api: sim.url } };
    vi.stubEnv("BROKERKIT_DEBUG", "");
    const quiet = createBrokerClient<Record<string, never>>(config({ rateLimits: [] }), options);
    await (quiet as unknown as { GET: (p: string, i: unknown) => Promise<unknown> }).GET("/orders/{id}", {
      params: { path: { id: "q" } },
    });
    expect(printed).toEqual([]);
    vi.stubEnv("BROKERKIT_DEBUG", "1");
    const loud = createBrokerClient<Record<string, never>>(config({ rateLimits: [] }), options);
    await (loud as unknown as { GET: (p: string, i: unknown) => Promise<unknown> }).GET("/orders/{id}", {
      params: { path: { id: "q" } },
    });
    expect(printed).toEqual([expect.stringMatching(/^brokerkit demo\/rest GET \/orders\/\{id\} 200 attempt=1 /)]);
  });
});
