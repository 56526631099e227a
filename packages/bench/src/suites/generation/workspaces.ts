/**
 * Temporary code-generation workspaces under packages/bench/.tmp, where generated packages resolve
 * @brokerkit/middleware and openapi-fetch through this package's node_modules. The official reference
 * specs are read in place (../shared/specs); nothing generated from them leaves .tmp.
 */
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../..");
export const REPO_DIR = join(BENCH_DIR, "../..");
export const SHARED_SPECS = process.env.BROKERKIT_SHARED_SPECS ?? join(REPO_DIR, "../shared/specs");

export interface Workspace {
  root: string;
  specsDir: string;
  dispose(): void;
}

export function workspace(label: string): Workspace {
  const root = join(BENCH_DIR, ".tmp", `${label}-${randomUUID().slice(0, 8)}`);
  const specsDir = join(root, "specs");
  mkdirSync(specsDir, { recursive: true });
  return { root, specsDir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Copies this project's specs/<broker> folders (manifest and specs) into the workspace. */
export function copyProjectSpecs(ws: Workspace, brokers: readonly string[]): void {
  for (const broker of brokers) cpSync(join(REPO_DIR, "specs", broker), join(ws.specsDir, broker), { recursive: true });
}

/** One official reference spec, with the minimal manifest that generates a client from it. */
export interface ReferenceSpec {
  /** Broker folder name in the workspace. */
  id: string;
  label: string;
  /** Path under ../shared/specs. */
  file: string;
  manifest(specPath: string): string;
}

export const REFERENCE_SPECS: readonly ReferenceSpec[] = [
  {
    id: "alor-ref",
    label: "ALOR Warp (WarpOpenAPIv2.yml)",
    file: "alor/WarpOpenAPIv2.yml",
    manifest: (spec) => `package: "@brokerkit/alor-ref"
description: ALOR reference spec.
environments:
  production: { servers: { api: https://api.alor.ru, oauth: https://oauth.alor.ru } }
apis:
  warp: { spec: ${spec}, server: api, factory: createAlorRefClient, auth: [refresh], operationServers: { "https://oauthdev.alor.ru": oauth } }
auth:
  refresh: { kind: refresh-exchange, tokenUrl: "{oauth}/refresh" }
`,
  },
  {
    id: "alpaca-trading-ref",
    label: "Alpaca Trading (trading-api.json)",
    file: "alpaca/trading-api.json",
    manifest: (spec) => `package: "@brokerkit/alpaca-trading-ref"
description: Alpaca Trading reference spec.
environments:
  paper: { servers: { trading: https://paper-api.alpaca.markets } }
apis:
  trading: { spec: ${spec}, server: trading, factory: createTradingRefClient, auth: [keys] }
auth:
  keys: { kind: static-headers, headers: { APCA-API-KEY-ID: keyId, APCA-API-SECRET-KEY: secretKey } }
`,
  },
  {
    id: "alpaca-data-ref",
    label: "Alpaca Market Data (market-data-api.json)",
    file: "alpaca/market-data-api.json",
    manifest: (spec) => `package: "@brokerkit/alpaca-data-ref"
description: Alpaca Market Data reference spec.
environments:
  paper: { servers: { data: https://data.alpaca.markets } }
apis:
  market-data: { spec: ${spec}, server: data, factory: createMarketDataRefClient, auth: [keys] }
auth:
  keys: { kind: static-headers, headers: { APCA-API-KEY-ID: keyId, APCA-API-SECRET-KEY: secretKey } }
`,
  },
  {
    id: "alpaca-broker-ref",
    label: "Alpaca Broker (broker-api.json)",
    file: "alpaca/broker-api.json",
    manifest: (spec) => `package: "@brokerkit/alpaca-broker-ref"
description: Alpaca Broker reference spec.
environments:
  sandbox: { servers: { broker: https://broker-api.sandbox.alpaca.markets } }
apis:
  broker: { spec: ${spec}, server: broker, factory: createBrokerRefClient, auth: [basic] }
auth:
  basic: { kind: basic }
`,
  },
  {
    id: "saxo-ref",
    label: "Saxo OpenAPI (unofficial narrowTrade spec)",
    file: "saxo/narrowTrade-saxo_openapi-api-swagger.yaml",
    manifest: (spec) => `package: "@brokerkit/saxo-ref"
description: Saxo reference spec (unofficial).
environments:
  sim: { servers: { gateway: https://gateway.saxobank.com/sim } }
apis:
  openapi: { spec: ${spec}, server: gateway, factory: createSaxoRefClient, auth: [bearer] }
auth:
  bearer: { kind: bearer }
`,
  },
];

export function writeReferenceManifest(ws: Workspace, spec: ReferenceSpec): void {
  const dir = join(ws.specsDir, spec.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "broker.yaml"), spec.manifest(relative(dir, join(SHARED_SPECS, spec.file))));
}

/** A tsconfig with the project's strict settings that type-checks `consumer.ts` only. */
export function writeConsumer(ws: Workspace, source: string): string {
  writeFileSync(join(ws.root, "consumer.ts"), source);
  const config = join(ws.root, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify(
      {
        extends: relative(ws.root, join(REPO_DIR, "tsconfig.base.json")),
        compilerOptions: { noEmit: true, types: ["node"] },
        files: ["consumer.ts"],
      },
      null,
      2,
    ),
  );
  return config;
}
