/**
 * A stream's runtime description and typed factory. The factory is a thin typed seam over
 * `createStreamClient` of @brokerkit/stream: the channel maps type `subscribe()` and `command()`, the
 * protocol's adapter does the wire format, and the REST client's runtime lends credentials, throttle
 * and servers.
 */
import type { StreamProtocol } from "../stream/protocols.js";
import type { StreamSpecOut } from "../stream/spec.js";

export interface StreamChannelTypes {
  name: string;
  kind: "subscription" | "command";
  summary?: string;
  /** Schema name of the request (subscribe message or command). */
  request: string;
  /** Schema name of the messages (subscription) or the reply (command). */
  response: string;
  /** Request fields the caller does not pass: filled by the runtime, or fixed by the document. */
  omit: readonly string[];
}

export interface StreamClientEmitInput {
  stem: string;
  factory: string;
  specName: string;
  protocol: StreamProtocol;
  channels: readonly StreamChannelTypes[];
  documentPath: string;
  title: string;
  server: string;
  /** Environment → the stream's URL there. */
  environments: Record<string, string>;
}

export function emitStreamConfig(spec: StreamSpecOut, specName: string): string {
  return [
    'import type { StreamSpec } from "@brokerkit/stream";',
    "",
    "/** Runtime description of this stream, from the broker manifest and the AsyncAPI document's channels. */",
    `export const ${specName}: StreamSpec = ${JSON.stringify(spec, null, 2)};`,
    "",
  ].join("\n");
}

export function emitStreamClient(input: StreamClientEmitInput): string {
  const { stem, factory, specName, protocol, channels, documentPath } = input;
  const map = (kind: "subscription" | "command", field: "message" | "reply") => {
    const entries = channels.filter((c) => c.kind === kind);
    if (entries.length === 0) return "Record<never, never>";
    const lines = entries.flatMap((c) => [
      ...(c.summary ? [`  /** ${docText(c.summary)} */`] : []),
      `  ${c.name}: {`,
      `    params: Omit<Schemas[${JSON.stringify(c.request)}], ${c.omit.map((f) => JSON.stringify(f)).join(" | ")}>;`,
      `    ${field}: ${field === "message" && protocol.messageWrapper ? `${protocol.messageWrapper}<Schemas[${JSON.stringify(c.response)}]>` : `Schemas[${JSON.stringify(c.response)}]`};`,
      "  };",
    ]);
    return `{\n${lines.join("\n")}\n}`;
  };
  const filled = protocol.filledFields.map((f) => `\`${f}\``).join(", ");
  return [
    'import type { BrokerRuntime } from "@brokerkit/middleware";',
    'import { createStreamClient, type StreamClient, type StreamClientOptions } from "@brokerkit/stream";',
    `import { ${protocol.messageWrapper ? `type ${protocol.messageWrapper}, ` : ""}${protocol.adapter} } from ${JSON.stringify(protocol.module)};`,
    `import { ${specName} } from "./config.js";`,
    'import type { components } from "./types.js";',
    "",
    'type Schemas = components["schemas"];',
    "",
    `/** Subscription channels of ${documentPath}: the params to pass and the messages that arrive (${filled} and the document's constants are filled in). */`,
    `export type ${stem}Subscriptions = ${map("subscription", "message")};`,
    "",
    `/** Command channels of ${documentPath}: the params to pass and the reply. */`,
    `export type ${stem}Commands = ${map("command", "reply")};`,
    "",
    `export type ${stem}Stream = StreamClient<${stem}Subscriptions, ${stem}Commands>;`,
    "",
    "/**",
    ...(input.title ? [` * ${docText(input.title)}`, " *"] : []),
    ` * Opens (on first use) one socket to server \`${input.server}\`, sharing the REST client's credential, throttle`,
    " * and servers; `options.url` or the REST client's `servers` option overrides the URL:",
    ...Object.entries(input.environments).map(([env, url]) => ` *   - \`${env}\`: ${url}`),
    " */",
    `export function ${factory}(rest: { readonly runtime: BrokerRuntime }, options?: StreamClientOptions): ${stem}Stream {`,
    `  return createStreamClient<${stem}Subscriptions, ${stem}Commands>(${specName}, ${protocol.factory ? `${protocol.adapter}(rest.runtime)` : protocol.adapter}, rest.runtime, options);`,
    "}",
    "",
  ].join("\n");
}

export function emitStreamIndex(stem: string, factory: string, specName: string): string {
  return [
    `export type { ${stem}Commands, ${stem}Stream, ${stem}Subscriptions } from "./client.js";`,
    `export { ${factory} } from "./client.js";`,
    `export { ${specName} } from "./config.js";`,
    `export type { components as ${stem}StreamComponents } from "./types.js";`,
    "",
    'import type { components } from "./types.js";',
    `/** Every schema of the stream's messages, e.g. \`${stem}StreamSchemas["…Message"]\`. */`,
    `export type ${stem}StreamSchemas = components["schemas"];`,
    "",
  ].join("\n");
}

/** One line of text that is safe inside a doc comment. */
function docText(text: string): string {
  return text.split("\n")[0]?.replace(/\*\//g, "*\\/").trim() ?? "";
}
