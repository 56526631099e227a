/**
 * The per-API runtime config and client factory. The factory is a thin typed seam over
 * `createBrokerClient` from @brokerkit/middleware, which assembles the layers from the config.
 */
import type { ApiConfig, AuthSchemeConfig } from "@brokerkit/middleware";

export interface ClientEmitInput {
  config: ApiConfig;
  factory: string;
  description: string;
  manifestPath: string;
}

/** `createTradingClient` → `Trading`. */
export function typeStem(factory: string): string {
  return factory.replace(/^create/, "").replace(/Client$/, "");
}

/**
 * The config as a data literal: a line per top-level key, environment and operation, each value in
 * compact JSON. It ships in every install twice (ESM and CommonJS), so it carries no indentation inside
 * a line; one line per entry keeps it readable and its diffs small.
 */
export function emitConfig(config: ApiConfig): string {
  const entries = (values: [string, unknown][]) =>
    values.map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(",\n");
  const lines = Object.entries(config).map(([key, value]) => {
    const name = JSON.stringify(key);
    if (key === "environments") return `  ${name}: {\n${entries(Object.entries(value as object))}\n  }`;
    if (key === "operations")
      return `  ${name}: [\n${(value as unknown[]).map((op) => `    ${JSON.stringify(op)}`).join(",\n")}\n  ]`;
    return `  ${name}: ${JSON.stringify(value)}`;
  });
  return [
    'import type { ApiConfig } from "@brokerkit/middleware";',
    "",
    "/** Runtime configuration of this API, from the broker manifest and the spec's operations. */",
    `export const config: ApiConfig = {\n${lines.join(",\n")}\n};`,
    "",
  ].join("\n");
}

export function emitClient({ config, factory, description, manifestPath }: ClientEmitInput): string {
  const stem = typeStem(factory);
  const credentialTypes = config.auth.map(credentialType);
  // An API named "broker" declares BrokerClient, BrokerClientOptions and createBrokerClient itself (Alpaca's
  // Broker API): middleware names that collide with this file's own are imported under a `Middleware` alias.
  const declared = new Set([`${stem}Client`, `${stem}ClientOptions`, factory]);
  const local = (name: string) =>
    declared.has(name) ? `Middleware${name.charAt(0).toUpperCase()}${name.slice(1)}` : name;
  const importOf = (name: string) => (local(name) === name ? name : `${name} as ${local(name)}`);
  const features = clientFeatures(config);
  const imports = new Set([
    `type ${importOf("BrokerClient")}`,
    `type ${importOf("BrokerClientOptions")}`,
    importOf("composeBrokerClient"),
    ...features.imports.map(importOf),
  ]);
  for (const t of credentialTypes) if (/^[A-Z]\w+$/.test(t)) imports.add(`type ${t}`);
  const sortedImports = [...imports].sort((a, b) => a.replace(/^type /, "").localeCompare(b.replace(/^type /, "")));
  const envs = Object.keys(config.environments);
  const serverKeys = [...new Set(Object.values(config.environments).flatMap((env) => Object.keys(env.servers)))].sort();
  const envDocs = envs
    .map((env) => ` *   - \`${env}\`: ${config.environments[env]?.servers[config.server] ?? "?"}`)
    .join("\n");
  const union = (items: string[]) => items.map((i) => JSON.stringify(i)).join(" | ");
  return [
    `import { ${sortedImports.join(", ")} } from "@brokerkit/middleware";`,
    'import { config } from "./config.js";',
    `import { opsTable, type ${stem}Ops } from "./ops.js";`,
    'import type { paths } from "./types.js";',
    "",
    `/** Environments declared in ${manifestPath}. */`,
    `export type ${stem}Environment = ${union(envs)};`,
    "/** Server keys; override their base URLs with the `servers` option (for example to use a local simulator). */",
    `export type ${stem}ServerKey = ${union(serverKeys)};`,
    `/** Credentials accepted by this API (auth schemes: ${config.auth.map((a) => `${a.name} (${a.kind})`).join(", ")}). */`,
    `export type ${stem}Credentials = ${credentialTypes.join(" | ")};`,
    `export type ${stem}ClientOptions = ${local("BrokerClientOptions")}<${stem}Environment, ${stem}ServerKey, ${stem}Credentials>;`,
    '/** The client: path calls (`client.GET("/path", …)`), operation calls (`client.ops.<operationId>(…)`) and `runtime`. */',
    `export type ${stem}Client<Throws extends boolean = false> = ${local("BrokerClient")}<paths, Throws> & { readonly ops: ${stem}Ops<Throws> };`,
    "",
    "/**",
    ` * ${description}`,
    " *",
    " * Environments (base URL):",
    envDocs,
    " *",
    " * With `throwOnError: true` every call throws the typed error of a non-2xx answer and `data` is never optional.",
    " */",
    `export function ${factory}<Options extends ${stem}ClientOptions>(`,
    "  options: Options,",
    `): ${stem}Client<Options extends { throwOnError: true } ? true : false> {`,
    `  return ${local("composeBrokerClient")}<paths>(config, options, ${features.literal(local)}) as never;`,
    "}",
    "",
  ].join("\n");
}

const SCHEME_BUILDERS: Record<AuthSchemeConfig["kind"], string> = {
  "refresh-exchange": "refreshExchangeScheme",
  oauth2: "oauth2Scheme",
  "static-headers": "staticHeadersScheme",
  basic: "basicScheme",
  bearer: "bearerScheme",
  signature: "signatureScheme",
};

/**
 * The optional layers and credential builders this API's config uses: the client imports only
 * these, so a bundler leaves the rest of the middleware out.
 */
function clientFeatures(config: ApiConfig): {
  imports: string[];
  literal: (local: (name: string) => string) => string;
} {
  const kinds = [...new Set(config.auth.map((a) => a.kind))];
  const optional: [key: string, name: string][] = [];
  if (config.cache) optional.push(["cache", "createCache"]);
  if (config.idempotency) optional.push(["idempotency", "idempotency"]);
  if (config.routes.length) optional.push(["routes", "routes"]);
  if (config.sticky) optional.push(["sticky", "sticky"]);
  return {
    imports: [...kinds.map((k) => SCHEME_BUILDERS[k]), ...optional.map(([, name]) => name)],
    literal: (local) => {
      const auth = kinds.map((k) => `${JSON.stringify(k)}: ${local(SCHEME_BUILDERS[k])}`).join(", ");
      const rest = optional.map(([key, name]) => (key === local(name) ? key : `${key}: ${local(name)}`));
      return `{ ${[`auth: { ${auth} }`, ...rest, "ops: opsTable"].join(", ")} }`;
    },
  };
}

/** The middleware's errors and `unwrap`, re-exported so that users import them from the package they installed. */
const ERROR_EXPORTS = [
  "AmbiguousOutcomeError",
  "AuthError",
  "BrokerkitError",
  "ConfigError",
  "HttpError",
  "MalformedResponseError",
  "NetworkError",
  "RateLimitError",
  "RedirectError",
  "ResponseTooLargeError",
  "TimeoutError",
  "unwrap",
];

export function emitApiIndex(factory: string): string {
  const stem = typeStem(factory);
  return [
    `export type { ${[`${stem}Client`, `${stem}ClientOptions`, `${stem}Credentials`, `${stem}Environment`, `${stem}ServerKey`].join(", ")} } from "./client.js";`,
    `export { ${factory} } from "./client.js";`,
    `export type { ${stem}Ops } from "./ops.js";`,
    `export { ${ERROR_EXPORTS.join(", ")} } from "@brokerkit/middleware";`,
    'export type { CallResult, DebugLogger, RateLimitInfo } from "@brokerkit/middleware";',
    `export { config as ${lowerFirst(stem)}Config } from "./config.js";`,
    `export type { components as ${stem}Components, operations as ${stem}Operations, paths as ${stem}Paths } from "./types.js";`,
    "",
    'import type { components } from "./types.js";',
    `/** Every named schema of the spec, e.g. \`${stem}Schemas["Order"]\`. */`,
    `export type ${stem}Schemas = components extends { schemas: infer S } ? S : never;`,
    "",
  ].join("\n");
}

export function emitRootIndex(apiNames: readonly string[]): string {
  return `${apiNames.map((name) => `export * from "./${name}/index.js";`).join("\n")}\n`;
}

function credentialType(auth: AuthSchemeConfig): string {
  switch (auth.kind) {
    case "refresh-exchange":
      return "RefreshExchangeCredentials";
    case "oauth2":
      return auth.grant === "client_credentials" ? "ClientCredentials" : "OAuth2Credentials";
    case "static-headers":
      return `{ ${[...new Set(Object.values(auth.headers))].map((field) => `${field}: string`).join("; ")} }`;
    case "basic":
      return "BasicCredentials";
    case "bearer":
      return "BearerCredentials";
    case "signature":
      return "{ apiKey: string; secretKey: string }";
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
