/**
 * Contract check: every operation the client covers, sent through the generated client to Prism mocking
 * THIS project's spec (specs/saxo/openapi.yaml). Prism validates each request (path, query, headers,
 * body, security) and flags violations; there must be none.
 *
 * Stickiness: the sticky layer probes `/{service}/isalive` before a service's first call; the spec
 * describes those probes (no security), so Prism answers them and they are validated too. Prism sets no
 * cookies, which is fine: the probe only has to succeed. Auth: a static `{ clientId, accessToken }` pair,
 * so no token endpoint is involved and every call carries `Authorization: Bearer …`.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startPrism } from "../../testing/src/prism.js";
import { createSaxoClient, type SaxoClient, saxoConfig } from "../src/index.js";
import { ACCOUNT_KEY, EURUSD, limitOrder } from "./helpers.js";
import { SUBSCRIPTION_RESOURCES } from "./subscription-resources.js";

const specFile = join(dirname(fileURLToPath(import.meta.url)), "../../../specs/saxo/openapi.yaml");

describe("requests validated by Prism against specs/saxo/openapi.yaml", () => {
  let prism: RunningPrism;
  let client: SaxoClient;

  /** Create, delete-one and delete-context for every subscription resource, through the untyped form of the client. */
  async function subscriptionCalls() {
    const post = client.POST as (path: string, init: unknown) => Promise<{ response: Response }>;
    const del = client.DELETE as (path: string, init: unknown) => Promise<{ response: Response }>;
    const results = [];
    for (const base of SUBSCRIPTION_RESOURCES) {
      results.push(await post(base, { body: { ContextId: "ctx1", ReferenceId: "ref1", Arguments: { Uic: 21 } } }));
      results.push(
        await del(`${base}/{ContextId}/{ReferenceId}`, {
          params: { path: { ContextId: "ctx1", ReferenceId: "ref1" } },
        }),
      );
      results.push(await del(`${base}/{ContextId}`, { params: { path: { ContextId: "ctx1" } } }));
    }
    return results;
  }
  /** `METHOD /path` of every request that left the client, and the full URLs. */
  const sent: string[] = [];
  const urls: URL[] = [];

  beforeAll(async () => {
    prism = await startPrism(specFile);
    client = createSaxoClient({
      environment: "sim",
      servers: { gateway: prism.url },
      credentials: { clientId: "brokerkit-test-app", accessToken: "prism-access-token" },
      fetch: (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        const url = new URL(request.url);
        sent.push(`${request.method} ${url.pathname}`);
        urls.push(url);
        return prism.fetch(request);
      },
      // Contract test: one attempt per call, and no client-side waits (Prism has no quotas).
      retry: false,
      throttle: false,
    });
  });
  afterAll(async () => {
    await prism?.close();
  });

  it("sends every covered operation without a request violation", async () => {
    const orderIds = "5003000001";
    const results = [
      await client.GET("/root/v1/sessions/capabilities"),
      await client.PATCH("/root/v1/sessions/capabilities", { body: { TradeLevel: "FullTradingAndChat" } }),
      await client.GET("/port/v1/users/me"),
      await client.GET("/port/v1/accounts/me", { params: { query: { $inlinecount: "AllPages", $top: 10 } } }),
      await client.GET("/port/v1/balances/me"),
      await client.GET("/port/v1/positions/me", {
        params: { query: { FieldGroups: ["PositionBase", "PositionView"], $top: 5 } },
      }),
      await client.GET("/port/v1/netpositions/me", { params: { query: { FieldGroups: ["NetPositionBase"] } } }),
      await client.GET("/port/v1/orders/me", {
        params: { query: { Status: "All", FieldGroups: ["DisplayAndFormat"] } },
      }),
      await client.GET("/ref/v1/instruments", {
        params: { query: { Keywords: "EURUSD", AssetTypes: ["FxSpot", "Stock"], $top: 3 } },
      }),
      await client.GET("/ref/v1/instruments/details/{Uic}/{AssetType}", {
        params: { path: EURUSD, query: { FieldGroups: ["OrderSetting", "TradingSessions"] } },
      }),
      await client.GET("/trade/v1/infoprices", {
        params: { query: { ...EURUSD, Amount: 100_000, FieldGroups: ["Quote", "PriceInfo"] } },
      }),
      await client.POST("/trade/v2/orders", { body: limitOrder() }),
      await client.PATCH("/trade/v2/orders", {
        body: { AccountKey: ACCOUNT_KEY, AssetType: "FxSpot", OrderId: orderIds, OrderPrice: 1.04 },
      }),
      await client.DELETE("/trade/v2/orders/{OrderIds}", {
        params: { path: { OrderIds: orderIds }, query: { AccountKey: ACCOUNT_KEY } },
      }),
      await client.GET("/chart/v3/charts", { params: { query: { ...EURUSD, Horizon: 60, Count: 10 } } }),
      // Deprecated v1 operations: the client sends them to their successors (manifest routes).
      await client.GET("/chart/v1/charts", { params: { query: { ...EURUSD, Horizon: 60 } } }),
      await client.POST("/trade/v1/orders", { body: limitOrder(1.03) }),
      await client.PATCH("/trade/v1/orders", {
        body: { AccountKey: ACCOUNT_KEY, AssetType: "FxSpot", OrderId: orderIds, OrderPrice: 1.02 },
      }),
      await client.DELETE("/trade/v1/orders/{OrderIds}", {
        params: { path: { OrderIds: orderIds }, query: { AccountKey: ACCOUNT_KEY } },
      }),
      await client.GET("/streaming/isalive", { parseAs: "text" }),
      await client.GET("/port/v1/positions", { params: { query: { ClientKey: "ck", AccountKey: ACCOUNT_KEY } } }),
      await client.GET("/port/v1/positions/{PositionId}", {
        params: { path: { PositionId: "1" }, query: { ClientKey: "ck" } },
      }),
      await client.GET("/port/v1/netpositions", { params: { query: { ClientKey: "ck" } } }),
      await client.GET("/port/v1/closedpositions/me"),
      await client.GET("/port/v1/closedpositions", { params: { query: { ClientKey: "ck" } } }),
      await client.GET("/port/v1/orders", { params: { query: { ClientKey: "ck" } } }),
      await client.GET("/port/v1/balances", { params: { query: { ClientKey: "ck" } } }),
      await client.GET("/port/v1/accounts", { params: { query: { ClientKey: "ck" } } }),
      await client.GET("/port/v1/accounts/{AccountKey}", { params: { path: { AccountKey: ACCOUNT_KEY } } }),
      await client.GET("/port/v1/clients/me"),
      await client.GET("/port/v1/users", { params: { query: { ClientKey: "ck" } } }),
      await client.GET("/ref/v1/exchanges"),
      await client.GET("/ref/v1/currencies"),
      await client.GET("/ref/v1/timezones"),
      await client.GET("/root/v1/diagnostics/get"),
      await client.GET("/trade/v1/infoprices/list", { params: { query: { AssetType: "FxSpot", Uics: [21, 22] } } }),
      await client.GET("/ens/v1/activities"),
      await client.GET("/cs/v1/audit/orderactivities", { params: { query: { AccountKey: ACCOUNT_KEY } } }),
      await client.POST("/trade/v2/orders/precheck", { body: limitOrder() }),
      await client.GET("/ref/v1/instruments/details", {
        params: { query: { Uics: [21, 22], AssetTypes: ["FxSpot"], $top: 2, $skip: 0 } },
      }),
      await client.PUT("/root/v1/sessions/capabilities", { body: { DataLevel: "Premium" } }),
      await client.GET("/port/v1/clients/{ClientKey}", { params: { path: { ClientKey: "ck" } } }),
      await client.GET("/port/v1/users/{UserKey}", { params: { path: { UserKey: "uk" } } }),
      await client.GET("/port/v1/netpositions/{NetPositionId}", {
        params: { path: { NetPositionId: "21__FxSpot" }, query: { ClientKey: "ck" } },
      }),
      await client.GET("/port/v1/closedpositions/{ClosedPositionId}", {
        params: { path: { ClosedPositionId: "1" }, query: { ClientKey: "ck", AccountKey: ACCOUNT_KEY } },
      }),
      await client.GET("/port/v1/orders/{ClientKey}/{OrderId}", {
        params: { path: { ClientKey: "ck", OrderId: orderIds } },
      }),
      await client.GET("/root/v1/features/availability"),
      await client.POST("/root/v1/diagnostics/post"),
      await client.PUT("/root/v1/diagnostics/put"),
      await client.PATCH("/root/v1/diagnostics/patch"),
      await client.DELETE("/root/v1/diagnostics/delete"),
      // Every subscription resource: create, delete one reference, delete the whole context.
      ...(await subscriptionCalls()),
    ];

    expect(prism.violations).toEqual([]);
    expect(results.map((result) => result.response.status).filter((status) => status >= 300)).toEqual([]);
    // Every operation of the spec was exercised: v1 ones through their rewrites, isalive ones as probes.
    const rewrites = new Map(saxoConfig.routes.map((route) => [route.from, route.to]));
    for (const [method, template] of saxoConfig.operations) {
      const expected = rewrites.get(template) ?? template;
      const pattern = new RegExp(`^${method} ${expected.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      expect(
        sent.some((line) => pattern.test(line)),
        `${method} ${template} was sent`,
      ).toBe(true);
    }
  });

  it("sends array query parameters comma-separated, as the spec declares (explode: false), with no per-call option", async () => {
    // openapi-fetch alone would repeat the parameter (AssetTypes=FxSpot&AssetTypes=Stock); the generated config
    // lists the spec's explode:false arrays and the runtime serializes exactly those as Saxo documents.
    const before = urls.length;
    const result = await client.GET("/ref/v1/instruments", {
      params: { query: { AssetTypes: ["FxSpot", "Stock"] } },
    });
    expect(result.response.status).toBe(200);
    expect(prism.violations).toEqual([]);
    expect(urls.slice(before).map((url) => url.searchParams.getAll("AssetTypes"))).toEqual([["FxSpot,Stock"]]);
  });
});
