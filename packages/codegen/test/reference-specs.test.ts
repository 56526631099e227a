/**
 * The brokers' official specs (../shared/specs, reference data that is never committed here) must
 * generate and type-check under strict settings, quirks and all. Output goes to a temporary folder.
 */

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrokerReport, generate } from "../src/generate.js";
import { compile, packageRoot, tempWorkspace } from "./helpers.js";

const shared = process.env.BROKERKIT_SHARED_SPECS ?? join(packageRoot, "../../../shared/specs");
const available = existsSync(shared);
if (!available) console.warn(`reference-specs: ${shared} not found; set BROKERKIT_SHARED_SPECS to run these tests`);

const ws = tempWorkspace();
const specPath = (broker: string, file: string) => relative(join(ws.specsDir, broker), join(shared, file));

const manifests: Record<string, string> = {
  "alor-ref": `package: "@brokerkit/alor-ref"
description: ALOR reference spec ingestion.
environments:
  production: { servers: { api: https://api.alor.ru, oauth: https://oauth.alor.ru } }
  test: { servers: { api: https://apidev.alor.ru, oauth: https://oauthdev.alor.ru } }
apis:
  warp:
    spec: ${specPath("alor-ref", "alor/WarpOpenAPIv2.yml")}
    server: api
    factory: createAlorRefClient
    auth: [refresh]
    operationServers: { "https://oauthdev.alor.ru": oauth }
auth:
  refresh: { kind: refresh-exchange, tokenUrl: "{oauth}/refresh" }
`,
  "alpaca-ref": `package: "@brokerkit/alpaca-ref"
description: Alpaca reference specs ingestion.
environments:
  paper: { servers: { trading: https://paper-api.alpaca.markets, data: https://data.alpaca.markets, broker: https://broker-api.sandbox.alpaca.markets } }
apis:
  trading: { spec: ${specPath("alpaca-ref", "alpaca/trading-api.json")}, server: trading, factory: createTradingRefClient, auth: [keys] }
  market-data: { spec: ${specPath("alpaca-ref", "alpaca/market-data-api.json")}, server: data, factory: createMarketDataRefClient, auth: [keys] }
  broker: { spec: ${specPath("alpaca-ref", "alpaca/broker-api.json")}, server: broker, factory: createBrokerRefClient, auth: [basic] }
auth:
  keys: { kind: static-headers, headers: { APCA-API-KEY-ID: keyId, APCA-API-SECRET-KEY: secretKey } }
  basic: { kind: basic }
`,
  "saxo-ref": `package: "@brokerkit/saxo-ref"
description: Unofficial Saxo reference spec ingestion.
environments:
  sim: { servers: { gateway: https://gateway.saxobank.com/sim } }
apis:
  openapi: { spec: ${specPath("saxo-ref", "saxo/narrowTrade-saxo_openapi-api-swagger.yaml")}, server: gateway, factory: createSaxoRefClient, auth: [bearer] }
auth:
  bearer: { kind: bearer }
`,
};

describe.skipIf(!available)("official reference specs", () => {
  let reports: BrokerReport[] = [];
  beforeAll(async () => {
    for (const [broker, text] of Object.entries(manifests)) {
      mkdirSync(join(ws.specsDir, broker), { recursive: true });
      writeFileSync(join(ws.specsDir, broker, "broker.yaml"), text);
    }
    reports = await generate({ root: ws.root });
  });
  afterAll(() => ws.dispose());

  it("all five specs generate, and the quirks are reported rather than fatal", () => {
    expect(reports.map((r) => r.broker)).toEqual(["alor-ref", "alpaca-ref", "saxo-ref"]);
    const alor = reports.find((r) => r.broker === "alor-ref");
    // ALOR documents its WebSocket messages as TRACE operations on space-padded "/ws" paths.
    expect(alor?.skipped.some((s) => s.includes("TRACE") && s.includes('"/ws '))).toBe(true);
  });

  it("type-check under strict settings, with typed calls for each API", () => {
    const consumer = join(ws.root, "consumer.ts");
    writeFileSync(
      consumer,
      `import { createAlorRefClient } from "./packages/alor-ref/src/index.js";
import { createBrokerRefClient, createMarketDataRefClient, createTradingRefClient } from "./packages/alpaca-ref/src/index.js";
import { createSaxoRefClient } from "./packages/saxo-ref/src/index.js";
const alor = createAlorRefClient({ environment: "test", credentials: { refreshToken: "r" } });
const trading = createTradingRefClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
const data = createMarketDataRefClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
const broker = createBrokerRefClient({ environment: "paper", credentials: { username: "u", password: "p" } });
const saxo = createSaxoRefClient({ environment: "sim", credentials: { accessToken: "t" } });
export async function use() {
  await alor.POST("/refresh", { params: { query: { token: "r" } } });
  await trading.GET("/v2/orders:by_client_order_id", { params: { query: { client_order_id: "c" } } });
  await data.GET("/v2/stocks/bars", { params: { query: { symbols: "AAPL", timeframe: "1Min" } } });
  await broker.GET("/v1/accounts", { params: { query: { query: "smith" } } });
  await saxo.GET("/openapi/port/v1/accounts/me/");
  // @ts-expect-error unknown path
  await trading.GET("/v9/unknown");
}
`,
    );
    expect(compile([consumer])).toEqual([]);
  });

  it("honours ALOR's per-operation server: /refresh goes to the oauth host", async () => {
    const seen: string[] = [];
    const oauth = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ AccessToken: "jwt" }));
    });
    await new Promise<void>((resolve) => oauth.listen(0, "127.0.0.1", resolve));
    try {
      const pkg = join(ws.packagesDir, "alor-ref");
      expect(compile([join(pkg, "src/index.ts")], join(pkg, "dist"), false)).toEqual([]);
      const mod = await import(pathToFileURL(join(pkg, "dist/index.js")).href);
      const client = mod.createAlorRefClient({
        environment: "test",
        credentials: { refreshToken: "r" },
        servers: { api: "http://127.0.0.1:9", oauth: `http://127.0.0.1:${(oauth.address() as AddressInfo).port}` },
      });
      const { data } = await client.POST("/refresh", { params: { query: { token: "r" } } });
      expect(data).toEqual({ AccessToken: "jwt" });
      // The refresh-exchange provider first exchanges the refresh token (on the same oauth host), then the call itself goes there.
      expect(seen).toEqual(["POST /refresh?token=r", "POST /refresh?token=r"]);
    } finally {
      await new Promise((resolve) => oauth.close(resolve));
    }
  });
});
