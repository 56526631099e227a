/**
 * The scaffolded package's first test: one real request per API through the generated client, to a
 * node:http server on 127.0.0.1, so a new package's `pnpm test` proves the generated code works
 * instead of failing with "No test files found". Written once; the maintainers own it afterwards.
 */
import type { ApiConfig, OperationEntry } from "@brokerkit/middleware";

export interface SmokeTestInput {
  packageName: string;
  apis: { name: string; factory: string; config: ApiConfig }[];
}

/** Sent in every response: it is also a valid token response for every token-exchanging auth kind. */
const UNIVERSAL_BODY = {
  access_token: "smoke-access-token",
  token_type: "Bearer",
  expires_in: 3600,
  AccessToken: "smoke-access-token",
};

export function smokeTestFile({ packageName, apis }: SmokeTestInput): string {
  const multiple = apis.length > 1;
  const imports = apis.map((api) => `import { ${api.factory} } from "../src/${multiple ? api.name : "index"}.js";`);
  const cases = apis.map((api) => smokeCase(api));
  return `// Scaffolded by @brokerkit/codegen once; yours to edit. A real request through each generated client.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
${imports.join("\n")}

const received: { method: string; url: string }[] = [];
// One body for every request: also a token response, so any auth scheme that fetches a token gets one.
const body = JSON.stringify(${objectLiteral(UNIVERSAL_BODY, "")});
const server = createServer((request, response) => {
  received.push({ method: request.method ?? "", url: request.url ?? "" });
  request.resume();
  response.writeHead(200, { "content-type": "application/json" });
  response.end(body);
});
let baseUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
});
afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

/** A value for every field a credential shape may ask for; each auth scheme reads the ones it needs. */
const credentials = ${objectLiteral(credentialFields(apis.map((a) => a.config)), "")};

describe(${JSON.stringify(`${packageName} smoke test`)}, () => {
${cases.join("\n\n")}
});
`;
}

function smokeCase({ name, factory, config }: SmokeTestInput["apis"][number]): string {
  const environment = Object.keys(config.environments)[0] ?? "";
  const serverKeys = [...new Set(Object.values(config.environments).flatMap((e) => Object.keys(e.servers)))].sort();
  // WebSocket servers must stay ws(s) URLs; the test makes no stream connection.
  const isWs = (key: string) =>
    Object.values(config.environments).some((e) => /^wss?:/.test((e.servers as Record<string, string>)[key] ?? ""));
  const servers = `{ ${serverKeys
    .map((k) => `${propertyName(k)}: ${isWs(k) ? 'baseUrl.replace(/^http/, "ws")' : "baseUrl"}`)
    .join(", ")} }`;
  const operation = pickOperation(config);
  const options = `{
      environment: ${JSON.stringify(environment)},
      servers: ${servers},
      credentials: credentials as unknown as Parameters<typeof ${factory}>[0]["credentials"],
      retry: false,
    }`;
  if (!operation) {
    return `  it(${JSON.stringify(`${name}: the client is created (the spec has no operation it can call here)`)}, () => {
    expect(${factory}(${options})).toBeDefined();
  });`;
  }
  const [method, path] = operation;
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const expectedPath = path.replace(/\{[^}]+\}/g, "smoke");
  const pathValues = pathParams.length
    ? `{ ${pathParams.map((p) => `${propertyName(p)}: "smoke"`).join(", ")} }`
    : "{}";
  const init = [
    `params: { path: ${pathValues} }`,
    ...(["POST", "PUT", "PATCH"].includes(method) ? ["body: {}"] : []),
  ].join(", ");
  return `  it(${JSON.stringify(`${name}: ${method} ${path} reaches a local server through the generated client`)}, async () => {
    const client = ${factory}(${options});
    // The smoke test calls whatever operation the spec offers, so it steps around the typed signature.
    const call = client.${method} as unknown as (path: string, init: object) => Promise<{ response: Response }>;
    const { response } = await call(${JSON.stringify(path)}, { ${init} });
    expect(response.status).toBe(200);
    const paths = received.filter((r) => r.method === ${JSON.stringify(method)}).map((r) => r.url.split("?")[0]);
    expect(paths).toContain(${JSON.stringify(expectedPath)});
  });`;
}

/** A plain call: not streamed, on a server the test can override, not rewritten by a route. */
function pickOperation(config: ApiConfig): OperationEntry | undefined {
  const routed = new Set(config.routes.map((r) => (r as { from?: string }).from));
  const callable = config.operations.filter(([method, path, flags]) => {
    if (flags?.stream || flags?.serverUrl || routed.has(path)) return false;
    return ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method);
  });
  const score = ([method, path]: OperationEntry) => (method === "GET" ? 0 : 100) + (path.match(/\{/g)?.length ?? 0);
  return [...callable].sort((a, b) => score(a) - score(b))[0];
}

/** A multi-line object literal as the repository's formatter writes it. */
function objectLiteral(value: Record<string, string | number>, indent: string): string {
  const lines = Object.entries(value).map(([k, v]) => `${indent}  ${propertyName(k)}: ${JSON.stringify(v)},`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function credentialFields(configs: ApiConfig[]): Record<string, string | number> {
  const fields: Record<string, string | number> = {
    refreshToken: "smoke-refresh-token",
    accessToken: "smoke-access-token",
    clientId: "smoke-client-id",
    clientSecret: "smoke-client-secret",
    username: "smoke-user",
    password: "smoke-password",
  };
  // Fields a scheme names in the manifest (static headers' credential fields, for example).
  for (const config of configs) {
    for (const auth of config.auth) {
      const headers = (auth as { headers?: Record<string, unknown> }).headers;
      for (const field of Object.values(headers ?? {})) if (typeof field === "string") fields[field] = `smoke-${field}`;
    }
  }
  return fields;
}
