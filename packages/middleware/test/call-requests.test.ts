/**
 * The Requests openapi-fetch makes for a typed call take the credentials in place (no copy) only while
 * nobody outside the stack can see them: an openapi-fetch middleware, registered with `use` or passed
 * with one call, still sees the Request without them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig } from "../src/config.js";
import { json, type LocalServer, startLocalServer } from "./support/local-server.js";

const TOKEN = "bearer-call-requests-0123";
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const config: ApiConfig = {
  broker: "calls",
  api: "api",
  environments: { test: { servers: { api: "https://example.invalid" } } },
  server: "api",
  auth: [{ name: "bearer", kind: "bearer" }],
  rateLimits: [],
  routes: [],
  retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  timeoutMs: 5_000,
  operations: [["GET", "/data"]],
};

interface Paths {
  "/data": { get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } } };
}

async function setup() {
  const server = await startLocalServer((_arrival, res) => json(res, 200, { ok: true }));
  servers.push(server);
  const client = createBrokerClient<Paths>(config, {
    environment: "test",
    credentials: { accessToken: TOKEN },
    servers: { api: server.url },
  });
  return { server, client };
}

describe("requests of typed calls", () => {
  it("carry the credentials to the server", async () => {
    const { server, client } = await setup();
    for (let i = 0; i < 3; i++) expect((await client.GET("/data")).data).toEqual({ ok: true });
    expect(server.arrivals.map((a) => a.headers.authorization)).toEqual(Array(3).fill(`Bearer ${TOKEN}`));
  });

  it("stay without credentials where a middleware registered with use() sees them", async () => {
    const { server, client } = await setup();
    const seen: (string | null)[] = [];
    client.use({ onResponse: ({ request }) => void seen.push(request.headers.get("authorization")) });
    await client.GET("/data");
    await client.GET("/data");
    expect(seen).toEqual([null, null]);
    expect(server.arrivals.map((a) => a.headers.authorization)).toEqual(Array(2).fill(`Bearer ${TOKEN}`));
  });

  it("stay without credentials where a middleware passed with the call sees them", async () => {
    const { client } = await setup();
    const seen: (string | null)[] = [];
    const middleware = {
      onResponse: ({ request }: { request: Request }) => void seen.push(request.headers.get("authorization")),
    };
    await client.GET("/data", { middleware: [middleware] });
    expect(seen).toEqual([null]);
  });
});
