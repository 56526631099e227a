import { afterEach, describe, expect, it } from "vitest";
import { compose, fromFetch } from "../src/compose.js";
import type { OperationEntry } from "../src/config.js";
import type { MiddlewareEvent } from "../src/events.js";
import { createOperationTable, matchOperations } from "../src/operations.js";
import { routes } from "../src/routes.js";
import type { Layer, MatchedOperation } from "../src/types.js";
import { clientOf, json, type LocalServer, startLocalServer } from "./support/local-server.js";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A broker that retired v1 (410 Gone) once v2 existed; v2 echoes what it received. */
async function startVersionedApi(deprecationHeaders: Record<string, string> = {}) {
  const server = await startLocalServer((arrival, res) => {
    if (arrival.path.startsWith("/api/v1/")) return json(res, 410, { message: "v1 is retired" });
    const headers = arrival.path.startsWith("/api/v2/old/") ? deprecationHeaders : {};
    json(
      res,
      200,
      { method: arrival.method, path: arrival.path, query: Object.fromEntries(arrival.query), body: arrival.body },
      headers,
    );
  });
  servers.push(server);
  return { ...server, base: `${server.url}/api` };
}

const OPERATIONS: OperationEntry[] = [
  ["GET", "/v1/accounts/{account_id}", { deprecated: true }],
  ["GET", "/v2/accounts/{account_id}"],
  ["POST", "/v1/accounts/{account_id}/orders", { deprecated: true }],
  ["POST", "/v2/accounts/{account_id}/orders"],
  ["GET", "/v2/old/{id}"],
  ["GET", "/v2/legacy", { deprecated: true }],
];

function capture(into: (MatchedOperation | undefined)[]): Layer {
  return (next) => (request, context) => {
    into.push(context.operation && { ...context.operation });
    return next(request, context);
  };
}

describe("routes", () => {
  it("a call that matched no rule is remembered by path and method; rules still apply to other calls", async () => {
    const api = await startVersionedApi();
    const fetch = clientOf(
      compose(fromFetch(), [
        routes({
          rules: [
            { from: "/v1/accounts/{account_id}/orders", to: "/v2/accounts/{account_id}/orders", methods: ["POST"] },
          ],
          baseUrl: api.base,
        }),
      ]),
    );
    const sent: string[] = [];
    const call = async (method: string, path: string) => {
      const response = await fetch(`${api.base}${path}`, { method, ...(method === "POST" ? { body: "{}" } : {}) });
      const echo = (await response.json()) as { method?: string; path?: string; message?: string };
      sent.push(`${method} ${path} -> ${response.status} ${echo.path ?? ""}`);
    };
    await call("GET", "/v1/accounts/7/orders");
    await call("GET", "/v1/accounts/7/orders");
    await call("POST", "/v1/accounts/7/orders");
    await call("GET", "/v2/old/1");
    await call("POST", "/v1/accounts/7/orders");
    await call("GET", "/v1/accounts/7/orders");
    expect(sent).toEqual([
      "GET /v1/accounts/7/orders -> 410 ",
      "GET /v1/accounts/7/orders -> 410 ",
      "POST /v1/accounts/7/orders -> 200 /api/v2/accounts/7/orders",
      "GET /v2/old/1 -> 200 /api/v2/old/1",
      "POST /v1/accounts/7/orders -> 200 /api/v2/accounts/7/orders",
      "GET /v1/accounts/7/orders -> 410 ",
    ]);
  });

  it("sends a retired v1 route to v2 with path params, query and body kept", async () => {
    const api = await startVersionedApi();
    const events: MiddlewareEvent[] = [];
    const seen: (MatchedOperation | undefined)[] = [];
    const table = createOperationTable(OPERATIONS, api.base);
    const fetch = clientOf(
      compose(fromFetch(), [
        matchOperations(table),
        routes({
          rules: [
            { from: "/v1/accounts/{account_id}", to: "/v2/accounts/{account_id}" },
            { from: "/v1/accounts/{account_id}/orders", to: "/v2/accounts/{account_id}/orders", methods: ["POST"] },
          ],
          baseUrl: api.base,
          table,
          observer: (e) => events.push(e),
        }),
        capture(seen),
      ]),
    );
    const read = await fetch(`${api.base}/v1/accounts/ac%20c-1?fields=cash&fields=equity`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ path: "/api/v2/accounts/ac%20c-1", query: { fields: "equity" } });
    expect(api.arrivals[0]?.query.getAll("fields")).toEqual(["cash", "equity"]);
    const order = await fetch(`${api.base}/v1/accounts/acc-1/orders?dry=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "k1" },
      body: JSON.stringify({ symbol: "AAPL", qty: 1 }),
    });
    expect(order.status).toBe(200);
    expect(await order.json()).toEqual({
      method: "POST",
      path: "/api/v2/accounts/acc-1/orders",
      query: { dry: "1" },
      body: '{"symbol":"AAPL","qty":1}',
    });
    expect(api.arrivals[1]?.headers["x-request-id"]).toBe("k1");
    expect(api.arrivals[1]?.headers["content-type"]).toBe("application/json");
    expect(api.arrivals.every((a) => !a.path.startsWith("/api/v1/"))).toBe(true);
    expect(seen.map((op) => op?.template)).toEqual(["/v2/accounts/{account_id}", "/v2/accounts/{account_id}/orders"]);
    expect(seen[0]?.params).toEqual({ account_id: "ac c-1" });

    await fetch(`${api.base}/v1/accounts/acc-2`);
    expect(events.filter((e) => e.type === "route.rewrite")).toEqual([
      { type: "route.rewrite", from: "/v1/accounts/{account_id}", to: "/v2/accounts/{account_id}" },
      { type: "route.rewrite", from: "/v1/accounts/{account_id}/orders", to: "/v2/accounts/{account_id}/orders" },
    ]);
  });

  it("leaves methods outside a rule's list alone (the retired route answers 410)", async () => {
    const api = await startVersionedApi();
    const fetch = clientOf(
      compose(fromFetch(), [
        routes({
          rules: [{ from: "/v1/accounts/{id}", to: "/v2/accounts/{id}", methods: ["GET"] }],
          baseUrl: api.base,
        }),
      ]),
    );
    expect((await fetch(`${api.base}/v1/accounts/a`, { method: "DELETE" })).status).toBe(410);
    expect((await fetch(`${api.base}/v1/accounts/a`)).status).toBe(200);
  });

  it("reports a spec-deprecated route once per route", async () => {
    const api = await startVersionedApi();
    const events: MiddlewareEvent[] = [];
    const table = createOperationTable(OPERATIONS, api.base);
    const fetch = clientOf(
      compose(fromFetch(), [
        matchOperations(table),
        routes({ rules: [], baseUrl: api.base, table, observer: (e) => events.push(e) }),
      ]),
    );
    for (let i = 0; i < 3; i++) await fetch(`${api.base}/v2/legacy`);
    await fetch(`${api.base}/v2/accounts/a`);
    expect(events).toEqual([{ type: "deprecation", route: "GET /v2/legacy", reason: "spec" }]);
  });

  it("reports Deprecation / Sunset / Link headers once per route template", async () => {
    const api = await startVersionedApi({
      deprecation: "@1767225600",
      sunset: "Wed, 01 Jul 2026 00:00:00 GMT",
      link: '<https://docs.example/next>; rel="successor-version", <https://docs.example/deprecation>; rel="deprecation"',
    });
    const events: MiddlewareEvent[] = [];
    const table = createOperationTable(OPERATIONS, api.base);
    const fetch = clientOf(
      compose(fromFetch(), [
        matchOperations(table),
        routes({ rules: [], baseUrl: api.base, table, observer: (e) => events.push(e) }),
      ]),
    );
    for (const id of ["a", "b", "c"]) expect((await fetch(`${api.base}/v2/old/${id}`)).status).toBe(200);
    await fetch(`${api.base}/v2/accounts/a`);
    expect(events).toEqual([
      {
        type: "deprecation",
        route: "GET /v2/old/{id}",
        reason: "header",
        sunset: "Wed, 01 Jul 2026 00:00:00 GMT",
        link: "https://docs.example/deprecation",
      },
    ]);
  });

  it("reports the retired spec-deprecated route once even though calls go to its successor", async () => {
    const api = await startVersionedApi();
    const events: MiddlewareEvent[] = [];
    const table = createOperationTable(OPERATIONS, api.base);
    const fetch = clientOf(
      compose(fromFetch(), [
        matchOperations(table),
        routes({
          rules: [{ from: "/v1/accounts/{account_id}", to: "/v2/accounts/{account_id}" }],
          baseUrl: api.base,
          table,
          observer: (e) => events.push(e),
        }),
      ]),
    );
    await fetch(`${api.base}/v1/accounts/a`);
    await fetch(`${api.base}/v1/accounts/b`);
    expect(events.filter((e) => e.type === "deprecation")).toEqual([
      { type: "deprecation", route: "GET /v1/accounts/{account_id}", reason: "spec" },
    ]);
  });

  it("rejects a rule whose target uses a parameter the source lacks", () => {
    expect(() => routes({ rules: [{ from: "/v1/x", to: "/v2/x/{id}" }], baseUrl: "https://api.example" })).toThrow(
      /uses \{id\}, which "\/v1\/x" lacks/,
    );
  });
});
