/**
 * The light request a typed call travels as (light-request.ts): what layers and transports read of it is
 * what a WHATWG Request made from the same init would give, and what reaches the server is the same
 * over the default transport and over a `fetch:` that is given a real Request built at the bottom.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBrokerClient } from "../src/client.js";
import type { ApiConfig } from "../src/config.js";
import { copyRequest, isLightRequest, LightRequest, toTransportRequest } from "../src/light-request.js";
import type { FetchLike } from "../src/types.js";
import { json, type LocalServer, startLocalServer } from "./support/local-server.js";

const URL_TEXT = "http://127.0.0.1:9/v2/orders/a%20b?x=1&y=%C3%A9";

/** What a layer reads of a request, body included (read from a clone, as layers do). */
async function observed(request: Request) {
  return {
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    redirect: request.redirect,
    credentials: request.credentials,
    hasBody: request.body !== null,
    body: await request.clone().text(),
    aborted: request.signal.aborted,
  };
}

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("a light request reads as the Request made from the same init", () => {
  const inits: [string, RequestInit][] = [
    ["a GET with headers", { method: "GET", headers: new Headers({ accept: "application/json", "x-a": "1" }) }],
    [
      "a lower-case method",
      { method: "post", body: '{"a":1}', headers: new Headers({ "content-type": "application/json" }) },
    ],
    ["a PATCH (not upper-cased by fetch)", { method: "patch", body: "{}" }],
    ["a string body without a type", { method: "POST", body: "plain" }],
    ["a byte body", { method: "PUT", body: new TextEncoder().encode("bytes") }],
    ["an empty string body", { method: "POST", body: "" }],
    ["redirect and credentials", { method: "DELETE", redirect: "manual", credentials: "include" }],
  ];
  for (const [name, init] of inits) {
    it(name, async () => {
      const real = new Request(URL_TEXT, { ...init, headers: new Headers(init.headers) });
      const light = new LightRequest(URL_TEXT, { ...init, headers: new Headers(init.headers) });
      expect(isLightRequest(light)).toBe(true);
      expect(isLightRequest(real)).toBe(false);
      expect(await observed(light)).toEqual(await observed(real));
      // The real Request a transport is given carries the same.
      expect(await observed(toTransportRequest(light))).toEqual(await observed(real));
    });
  }

  it("refuses a body on GET and HEAD, as Request does", () => {
    expect(() => new Request(URL_TEXT, { method: "GET", body: "x" })).toThrow(TypeError);
    expect(() => new LightRequest(URL_TEXT, { method: "GET", body: "x" })).toThrow(TypeError);
    expect(() => new LightRequest(URL_TEXT, { method: "HEAD", body: "x" })).toThrow(TypeError);
  });

  it("reads a body once; clone() before the read gives a second one", async () => {
    const light = new LightRequest(URL_TEXT, { method: "POST", body: "once" });
    const spare = light.clone();
    expect(await light.text()).toBe("once");
    expect(light.bodyUsed).toBe(true);
    await expect(light.text()).rejects.toThrow(TypeError);
    expect(() => light.clone()).toThrow(TypeError);
    expect(await spare.arrayBuffer()).toEqual(new TextEncoder().encode("once").buffer);
  });

  it("takes bytes as they are when made: a later change by the caller is not sent", async () => {
    const bytes = new TextEncoder().encode("abc");
    const light = new LightRequest(URL_TEXT, { method: "POST", body: bytes });
    bytes[0] = 120;
    expect(await light.text()).toBe("abc");
  });

  it("copies as `new Request(request, changes)` does, for either kind", async () => {
    for (const make of [
      (i: RequestInit) => new Request(URL_TEXT, i),
      (i: RequestInit) => new LightRequest(URL_TEXT, i),
    ]) {
      const controller = new AbortController();
      const init = { method: "POST", body: '{"k":1}', headers: { "x-a": "1" }, signal: controller.signal };
      const original = make(init);
      const moved = copyRequest(original, { url: "http://127.0.0.1:9/elsewhere?z=1", redirect: "manual" });
      expect(isLightRequest(moved)).toBe(isLightRequest(original));
      expect({ url: moved.url, method: moved.method, redirect: moved.redirect }).toEqual({
        url: "http://127.0.0.1:9/elsewhere?z=1",
        method: "POST",
        redirect: "manual",
      });
      expect(await moved.text()).toBe('{"k":1}');
      // The copy's headers are its own.
      moved.headers.set("x-a", "2");
      expect(original.headers.get("x-a")).toBe("1");
      // It follows the original's signal unless told not to.
      // (A Request's copy takes its body: the unlinked copy is made from a second one.)
      const unlinked = copyRequest(make(init), { signal: null });
      controller.abort(new Error("stop"));
      expect(moved.signal.aborted).toBe(true);
      expect(unlinked.signal.aborted).toBe(false);
    }
  });
});

describe("typed calls travel as light requests", () => {
  it("without a signal of their own, calls in flight, waiting for a slot and in retry backoff together put no listener on a shared signal", async () => {
    // Every call's first attempt is answered 503 after a moment: all 24 are in flight, then back off, together.
    const seen = new Set<string>();
    const server = await startLocalServer((arrival, res) => {
      const id = String(arrival.query.get("id"));
      if (seen.has(id)) return json(res, 200, { ok: true });
      seen.add(id);
      return new Promise<void>((resolve) => setTimeout(resolve, 30)).then(() => json(res, 503, { busy: true }));
    });
    servers.push(server);
    const client = createBrokerClient<Record<string, never>>(
      {
        broker: "light",
        api: "waits",
        environments: { test: { servers: { api: server.url } } },
        server: "api",
        auth: [{ name: "bearer", kind: "bearer" }],
        // Most calls also wait for a slot, without a signal of their own to join with the wait's deadline.
        rateLimits: [{ name: "user", limit: 8, intervalMs: 100 }],
        routes: [],
        retry: { attempts: 2, baseDelayMs: 60, maxDelayMs: 60 },
        timeoutMs: 5_000,
        operations: [["GET", "/data"]],
      },
      // No per-attempt deadline: the transport is handed the call's own signal.
      { environment: "test", credentials: { accessToken: "t" }, timeoutMs: false },
    );
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      const get = client.GET as unknown as (path: string, init: unknown) => Promise<{ data?: unknown }>;
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, id) => get("/data", { params: { query: { id } } })),
      );
      expect(answers.every((answer) => (answer.data as { ok?: boolean }).ok === true)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.includes("MaxListeners"))).toEqual([]);
  });

  const config = (url: string): ApiConfig => ({
    broker: "light",
    api: "api",
    environments: { test: { servers: { api: url, other: url } } },
    server: "api",
    auth: [{ name: "bearer", kind: "bearer" }],
    rateLimits: [],
    routes: [{ from: "/v1/orders", to: "/v2/orders" }],
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    timeoutMs: 5_000,
    idempotency: { bodyField: "client_order_id", header: "x-request-id", methods: ["POST"] },
    operations: [
      ["POST", "/v2/orders"],
      ["POST", "/v1/orders"],
      ["POST", "/moved", { server: "other" }],
      ["POST", "/redirected"],
    ],
  });

  async function callBoth(transport: FetchLike | undefined) {
    let failFirst = true;
    const server = await startLocalServer((arrival, res) => {
      if (arrival.path === "/redirected") {
        res.writeHead(307, { location: "/v2/orders" });
        return res.end();
      }
      // The first order fails once: the retry resends the same body and key.
      if (arrival.path === "/v2/orders" && failFirst) {
        failFirst = false;
        return json(res, 503, { message: "busy" });
      }
      return json(res, 200, { ok: true });
    });
    servers.push(server);
    const client = createBrokerClient<Record<string, never>>(config(server.url), {
      environment: "test",
      credentials: { accessToken: "light-token" },
      ...(transport ? { fetch: transport } : {}),
    });
    const post = client.POST as unknown as (path: string, init: unknown) => Promise<{ data?: unknown }>;
    for (const path of ["/v1/orders", "/moved", "/redirected"]) {
      expect((await post(path, { body: { symbol: "AAPL", qty: 1 } })).data).toEqual({ ok: true });
    }
    return server.arrivals.map((a) => ({
      method: a.method,
      path: a.path,
      authorization: a.headers.authorization,
      type: a.headers["content-type"],
      length: a.headers["content-length"],
      chunked: a.headers["transfer-encoding"],
      key: a.headers["x-request-id"],
      body: JSON.parse(a.body) as Record<string, unknown>,
    }));
  }

  it("reach the server as the same requests over the default transport and over a fetch given real Requests", async () => {
    const seen: boolean[] = [];
    const viaFetch = await callBoth(((request: Request, init?: RequestInit) => {
      seen.push(request instanceof Request);
      return fetch(request, init);
    }) as FetchLike);
    const viaDefault = await callBoth(undefined);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(Boolean)).toBe(true);
    const strip = (rows: typeof viaFetch) =>
      rows.map(({ key, body, ...rest }) => ({ ...rest, key: typeof key, body: { ...body, client_order_id: "k" } }));
    expect(strip(viaDefault)).toEqual(strip(viaFetch));
    for (const rows of [viaDefault, viaFetch]) {
      expect(rows.map((r) => r.path)).toEqual(["/v2/orders", "/v2/orders", "/moved", "/redirected", "/v2/orders"]);
      for (const row of rows) {
        expect(row).toMatchObject({ method: "POST", authorization: "Bearer light-token", type: "application/json" });
        expect(row.chunked).toBeUndefined();
        expect(Number(row.length)).toBe(Buffer.byteLength(JSON.stringify(row.body)));
        expect(row.body).toMatchObject({ symbol: "AAPL", qty: 1 });
        // The key travels in the header and the body, the same on the retry of the first call.
        expect(row.body.client_order_id).toBe(row.key);
      }
      expect(rows[0]?.key).toBe(rows[1]?.key);
    }
  });
});
