/**
 * Every class of bad stream input fails with a message naming the file, line:column, field path and
 * what was expected, for the manifest's `streams:` section and for the AsyncAPI documents alike.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CodegenError, CodegenErrors } from "../src/errors.js";
import { generate } from "../src/generate.js";
import { fixturesDir, tempWorkspace } from "./helpers.js";

const fixture = (name: string) => readFileSync(join(fixturesDir, "ministream", name), "utf8");
const manifest = fixture("broker.yaml");
const feed = fixture("feed.asyncapi.yaml");
let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

/** Generates specs/bad/ (the ministream fixture with `files` replaced) and returns every message. */
async function failure(files: Record<string, string>): Promise<string[]> {
  const ws = tempWorkspace();
  dispose = ws.dispose;
  const dir = join(ws.specsDir, "bad");
  mkdirSync(dir, { recursive: true });
  const all = {
    "broker.yaml": manifest,
    "trading.yaml": fixture("trading.yaml"),
    "feed.asyncapi.yaml": feed,
    "orders.asyncapi.yaml": fixture("orders.asyncapi.yaml"),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  try {
    await generate({ root: ws.root });
  } catch (error) {
    if (error instanceof CodegenErrors) return error.errors.map((e) => e.message);
    if (error instanceof CodegenError) return [error.message];
    throw error;
  }
  throw new Error("expected generation to fail");
}

describe("AsyncAPI document errors", () => {
  it("broken YAML", async () => {
    expect(await failure({ "feed.asyncapi.yaml": feed.replace("  ticks:\n", "  ticks: [unclosed\n") })).toEqual([
      "specs/bad/feed.asyncapi.yaml:6:11: invalid YAML: Implicit keys of flow sequence pairs need to be on a single line",
    ]);
  });

  it("not AsyncAPI 3", async () => {
    expect(await failure({ "feed.asyncapi.yaml": feed.replace("asyncapi: 3.0.0", "asyncapi: 2.6.0") })).toEqual([
      'specs/bad/feed.asyncapi.yaml:1:1: asyncapi: unsupported AsyncAPI version "2.6.0": expected "3.x.y" (convert an AsyncAPI 2 document first, for example with `asyncapi convert`)',
    ]);
  });

  it("an OpenAPI document named as a stream's document", async () => {
    expect(
      await failure({ "broker.yaml": manifest.replace("document: feed.asyncapi.yaml", "document: trading.yaml") }),
    ).toEqual([
      "specs/bad/trading.yaml:1:1: openapi: this is an OpenAPI document; a stream is described by an AsyncAPI 3 document (channels, operations, messages)",
    ]);
  });

  it("a channel without operations", async () => {
    const document = feed.replace(/ {2}subscribeTicks:[\s\S]*? {2}subscribeFills:/, "  subscribeFills:");
    expect(await failure({ "feed.asyncapi.yaml": document })).toEqual([
      'specs/bad/feed.asyncapi.yaml:6:3: channels.ticks: channel "ticks" has no operations: give it a send operation, plus a receive operation (a subscription) or a reply (a command)',
    ]);
  });

  it("an operation that does not say which of its channel's messages it sends", async () => {
    const document = feed.replace(
      '    channel: { $ref: "#/channels/ticks" }\n    messages: [{ $ref: "#/channels/ticks/messages/request" }]\n',
      '    channel: { $ref: "#/channels/ticks" }\n',
    );
    expect(await failure({ "feed.asyncapi.yaml": document })).toEqual([
      'specs/bad/feed.asyncapi.yaml:17:3: operations.subscribeTicks: operation "subscribeTicks" lists no messages and its channel has 2 messages: name exactly one',
    ]);
  });

  it("an unresolvable $ref into the OpenAPI spec", async () => {
    const document = feed.replace('schemas/Fill"', 'schemas/Fills"');
    expect(await failure({ "feed.asyncapi.yaml": document })).toEqual([
      'specs/bad/feed.asyncapi.yaml:66:25: components.messages.Fill.payload.properties.data.$ref: unresolvable $ref "./trading.yaml#/components/schemas/Fills": specs/bad/trading.yaml has no "Fills" at #/components/schemas/Fills',
    ]);
  });

  it("a send payload without the const opcode its protocol needs", async () => {
    const document = feed.replace("opcode: { const: TicksSubscribe }", "opcode: { type: string }");
    expect(await failure({ "feed.asyncapi.yaml": document })).toEqual([
      'specs/bad/feed.asyncapi.yaml:37:9: components.messages.TicksSubscribe.payload: the send payload of channel "ticks" has no const "opcode": protocol alor-ws tells requests apart by it, so the document must fix its value',
    ]);
  });

  it("a payload $ref to something other than a schema", async () => {
    const document = feed.replace(
      '          data: { $ref: "./trading.yaml#/components/schemas/Fill" }\n          guid: { type: string }',
      '          data: { $ref: "./trading.yaml#/components/schemas/Fill" }\n          guid: { $ref: "#/components/messages/Tick/payload/properties/guid" }',
    );
    expect(await failure({ "feed.asyncapi.yaml": document })).toEqual([
      'specs/bad/feed.asyncapi.yaml:67:25: components.messages.Fill.payload.properties.guid.$ref: payload schemas may reference "#/components/schemas/…" or other files only (the generated types keep just the schemas); found "#/components/messages/Tick/payload/properties/guid"',
    ]);
  });

  it("a schema named like a generated type", async () => {
    const document = feed.replace("  schemas:\n    Base:", "  schemas:\n    TicksRequest: { type: object }\n    Base:");
    expect(await failure({ "feed.asyncapi.yaml": document })).toEqual([
      'specs/bad/feed.asyncapi.yaml:6:3: channels.ticks: channel "ticks": the generated type name "TicksRequest" is also a schema of specs/bad/feed.asyncapi.yaml; rename that schema',
    ]);
  });
});

describe("manifest streams errors", () => {
  it("channels named in one file and not the other, naming both files", async () => {
    expect(
      await failure({ "broker.yaml": manifest.replace("      ticks:\n        buffer", "      tick:\n        buffer") }),
    ).toEqual([
      'specs/bad/broker.yaml:39:9: streams.feed.channels.tick: channel "tick" is not in specs/bad/feed.asyncapi.yaml (its channels: ticks, fills)',
      'specs/bad/feed.asyncapi.yaml:6:3: channels.ticks: channel "ticks" has no entry in specs/bad/broker.yaml streams.feed.channels',
    ]);
  });

  it("a subscription without a buffer, a command with subscription settings (both streams reported)", async () => {
    const text = manifest
      .replace("        buffer: { policy: error, size: 1000 }\n", "")
      .replace("      placeOrder: {}", "      placeOrder:\n        snapshot: true");
    expect(await failure({ "broker.yaml": text })).toEqual([
      'specs/bad/broker.yaml:41:9: streams.feed.channels.fills: subscription "fills" needs a buffer rule (policy drop-oldest, conflate or error, and a size)',
      'specs/bad/broker.yaml:58:19: streams.orders.channels.placeOrder.snapshot: "snapshot" applies to subscriptions; "placeOrder" is a command',
    ]);
  });

  it("a dedupeBy path that no message has", async () => {
    expect(
      await failure({ "broker.yaml": manifest.replace("dedupeBy: [data.id]", "dedupeBy: [data.fillId]") }),
    ).toEqual([
      'specs/bad/broker.yaml:43:20: streams.feed.channels.fills.dedupeBy[0]: "data.fillId" is not a field of the messages of channel "fills" in specs/bad/feed.asyncapi.yaml',
    ]);
  });

  it("a protocol that does not carry the document's kind of channel", async () => {
    expect(await failure({ "broker.yaml": manifest.replace("protocol: alor-ws", "protocol: alor-cws") })).toEqual([
      'specs/bad/feed.asyncapi.yaml:6:3: channels.ticks: channel "ticks" is a subscription, which protocol alor-cws does not carry (it carries: command)',
      'specs/bad/feed.asyncapi.yaml:11:3: channels.fills: channel "fills" is a subscription, which protocol alor-cws does not carry (it carries: command)',
    ]);
  });

  it("a protocol that needs each channel's address (saxo: the REST resource) and a document without them", async () => {
    expect(await failure({ "broker.yaml": manifest.replace("protocol: alor-ws", "protocol: saxo") })).toEqual([
      'specs/bad/feed.asyncapi.yaml:6:3: channels.ticks: channel "ticks" has no address: protocol saxo makes its subscriptions on the resource the address names',
      'specs/bad/feed.asyncapi.yaml:11:3: channels.fills: channel "fills" has no address: protocol saxo makes its subscriptions on the resource the address names',
    ]);
  });

  it("unknown keys are errors", async () => {
    expect(
      await failure({ "broker.yaml": manifest.replace("      idle: 15s\n", "      idle: 15s\n      interval: 5s\n") }),
    ).toEqual([
      'specs/bad/broker.yaml:32:7: streams.feed.heartbeat.interval: unknown key "interval" (expected one of: idle)',
    ]);
  });

  it("unknown protocol, non-WebSocket server, unknown auth scheme, conflateKey without conflate", async () => {
    const text = manifest
      .replace("protocol: alor-ws", "protocol: alor-stream")
      .replace("    server: feed\n", "    server: api\n")
      .replace("auth: token\n    heartbeat:\n      idle: 15s", "auth: keys\n    heartbeat:\n      idle: 15s")
      .replace(
        "buffer: { policy: error, size: 1000 }",
        "buffer: { policy: error, size: 1000, conflateKey: [data.id] }",
      );
    expect(await failure({ "broker.yaml": text })).toEqual([
      'specs/bad/broker.yaml:28:13: streams.feed.server: server key "api" is https://api.ministream.example in environment live: a stream needs a ws:// or wss:// URL',
      'specs/bad/broker.yaml:28:13: streams.feed.server: server key "api" is https://paper.ministream.example in environment paper: a stream needs a ws:// or wss:// URL',
      'specs/bad/broker.yaml:29:11: streams.feed.auth: unknown auth scheme "keys" (defined: token)',
      'specs/bad/broker.yaml:27:15: streams.feed.protocol: unknown protocol "alor-stream" (adapters of @brokerkit/stream: alor-ws, alor-cws, saxo, alpaca-data, alpaca-trading)',
      "specs/bad/broker.yaml:41:59: streams.feed.channels.fills.buffer.conflateKey: conflateKey applies only to the conflate policy (this buffer is error)",
    ]);
  });

  it("a stream named like an API", async () => {
    expect(await failure({ "broker.yaml": manifest.replace("streams:\n  feed:", "streams:\n  trading:") })).toEqual([
      'specs/bad/broker.yaml:25:5: streams.trading: stream "trading" has the name of an API: both would generate src/generated/trading/',
    ]);
  });

  it("a missing document", async () => {
    expect(
      await failure({
        "broker.yaml": manifest.replace("document: feed.asyncapi.yaml", "document: feeds.asyncapi.yaml"),
      }),
    ).toEqual([
      "specs/bad/broker.yaml:25:15: streams.feed.document: AsyncAPI document specs/bad/feeds.asyncapi.yaml does not exist",
    ]);
  });
});
