/**
 * The generation failures issue 19 lists, each from a copy of the minibroker fixture with one defect,
 * with the exact message asserted: a remote `$ref`, a self-referencing schema, invalid schema types,
 * duplicate operationIds, and an error raised inside openapi-typescript itself.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerFailures } from "../src/broker-failures.js";
import { openapiTypes } from "../src/emit/types.js";
import { generate } from "../src/generate.js";
import { loadSpec } from "../src/spec/load.js";
import { fixturesDir, tempWorkspace } from "./helpers.js";

const manifest = readFileSync(join(fixturesDir, "minibroker/broker.yaml"), "utf8");
const spec = readFileSync(join(fixturesDir, "minibroker/trading.yaml"), "utf8");
const orders = readFileSync(join(fixturesDir, "minibroker/schemas/order.yaml"), "utf8");
let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

/** Replaces `from` (which must occur) with `to`. */
function edit(text: string, from: string, to: string): string {
  expect(text, "the fixture contains the text to replace").toContain(from);
  return text.replace(from, to);
}

/** A broker folder `bad` with the given files over the valid fixture; returns the workspace. */
function brokerWith(files: Record<string, string>) {
  const ws = tempWorkspace();
  dispose = ws.dispose;
  const dir = join(ws.specsDir, "bad");
  mkdirSync(join(dir, "schemas"), { recursive: true });
  const all = { "broker.yaml": manifest, "trading.yaml": spec, "schemas/order.yaml": orders, ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  return { ws, dir };
}

/** Every message of the failed generation, one per line. */
async function messages(files: Record<string, string>): Promise<string[]> {
  const { ws } = brokerWith(files);
  const error = await generate({ root: ws.root }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BrokerFailures);
  return (error as BrokerFailures).errors.map((e) => e.message);
}

describe("generation failures, with the exact message", () => {
  it("a remote $ref names the file:line:column and the URL, and asks to vendor the file", async () => {
    const url = "https://example.com/schemas/order.yaml#/NewOrder";
    expect(await messages({ "trading.yaml": edit(spec, "./schemas/order.yaml#/NewOrder", url) })).toEqual([
      `specs/bad/trading.yaml:37:29: paths["/v2/orders"].post.requestBody.content["application/json"].schema.$ref: unresolvable $ref "${url}": remote references are not supported offline; vendor the file`,
    ]);
  });

  it("a schema that refers to itself", async () => {
    const loop = `${spec}components:\n  schemas:\n    Loop:\n      $ref: "#/components/schemas/Loop"\n`;
    expect(await messages({ "trading.yaml": loop })).toEqual([
      'specs/bad/trading.yaml:105:13: components.schemas.Loop.$ref: unresolvable $ref "#/components/schemas/Loop": the schema refers to itself and to nothing else, so it has no type',
    ]);
  });

  it("two schemas that only refer to each other: one message, the cycle spelled out", async () => {
    const cycle = `${orders}Ping:\n  $ref: "#/Pong"\nPong:\n  $ref: "#/Ping"\n`;
    expect(await messages({ "schemas/order.yaml": cycle })).toEqual([
      'specs/bad/schemas/order.yaml:21:9: Ping.$ref: unresolvable $ref "#/Pong": the schema is only a $ref in a cycle of $refs with no type in it (specs/bad/schemas/order.yaml#/Ping → specs/bad/schemas/order.yaml#/Pong → specs/bad/schemas/order.yaml#/Ping)',
    ]);
  });

  it("invalid types, in a file reached through $ref: file:line:column and the JSON pointer", async () => {
    const bad = edit(
      edit(edit(orders, "qty: { type: number }", "qty: { type: numbr }"), "enum: [buy, sell]", "enum: buy"),
      '  allOf:\n    - $ref: "#/NewOrder"\n    - type: object\n      required: [id, status]',
      '  allOf:\n    base: { $ref: "#/NewOrder" }\n    own:\n      type: object\n      required: [id, status]',
    );
    expect(await messages({ "schemas/order.yaml": bad })).toEqual([
      'specs/bad/schemas/order.yaml:6:18: NewOrder.properties.qty.type: expected one of "array", "boolean", "integer", "null", "number", "object", "string" (or a list of them), got string "numbr" (#/NewOrder/properties/qty/type)',
      "specs/bad/schemas/order.yaml:11:5: Order.allOf: expected a list of schemas, got a mapping (#/Order/allOf)",
      'specs/bad/schemas/order.yaml:20:9: Side.enum: expected a list of values, got string "buy" (#/Side/enum)',
    ]);
  });

  it("Swagger 2.0's file type says what to write instead", async () => {
    expect(
      await messages({ "schemas/order.yaml": edit(orders, "symbol: { type: string }", "symbol: { type: file }") }),
    ).toEqual([
      'specs/bad/schemas/order.yaml:5:21: NewOrder.properties.symbol.type: expected one of "array", "boolean", "integer", "null", "number", "object", "string" (or a list of them), got string "file" (Swagger 2.0\'s "file" is `type: string, format: binary` in OpenAPI 3) (#/NewOrder/properties/symbol/type)',
    ]);
  });

  it("parameters that are not a list, responses that are not a mapping", async () => {
    const bad = edit(
      edit(
        spec,
        "      parameters:\n        - { name: client_order_id,",
        "      parameters:\n        id: { name: client_order_id,",
      ),
      '      responses:\n        "200":\n          description: Orders.',
      '      responses:\n        - Orders.\n      x-responses:\n        "200":\n          description: Orders.',
    );
    expect(await messages({ "trading.yaml": bad })).toEqual([
      'specs/bad/trading.yaml:24:9: paths["/v2/orders"].get.responses: expected a mapping, got a list (#/paths/~1v2~1orders/get/responses)',
      'specs/bad/trading.yaml:73:9: paths["/v2/orders:by_client_order_id"].get.parameters: expected a list of parameters, got a mapping (#/paths/~1v2~1orders:by_client_order_id/get/parameters)',
    ]);
  });

  it("a referenced file that cannot be loaded: once, at its first reference", async () => {
    expect(await messages({ "schemas/order.yaml": `${orders}Broken: [\n` })).toEqual([
      'specs/bad/trading.yaml:30:32: paths["/v2/orders"].get.responses["200"].content["application/json"].schema.items.$ref: unresolvable $ref "./schemas/order.yaml#/Order": cannot load the referenced file: specs/bad/schemas/order.yaml:21:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it("duplicate operationIds: once each, with file:line:column of both occurrences", async () => {
    const bad = edit(
      edit(spec, "operationId: getOrderV1", "operationId: getOrder"),
      "operationId: streamTrades",
      "operationId: listOrders",
    );
    expect(await messages({ "trading.yaml": bad })).toEqual([
      'specs/bad/trading.yaml:57:20: paths["/v1/orders/{order_id}"].get.operationId: duplicate operationId "getOrder": also used at specs/bad/trading.yaml:46:20: paths["/v2/orders/{order_id}"].get.operationId (operationIds must be unique)',
      'specs/bad/trading.yaml:80:20: paths["/v2/events/trades"].get.operationId: duplicate operationId "listOrders": also used at specs/bad/trading.yaml:10:20: paths["/v2/orders"].get.operationId (operationIds must be unique)',
    ]);
  });
});

describe("a broker with several APIs", () => {
  it("reports the problems of every API's spec together", async () => {
    const ws = tempWorkspace(["shop"]);
    dispose = ws.dispose;
    for (const file of ["trading.yaml", "data.yaml"]) {
      const path = join(ws.specsDir, "shop", file);
      writeFileSync(path, edit(readFileSync(path, "utf8"), "openapi: 3.0.3", "openapi: 9.0.0"));
    }
    const error = await generate({ root: ws.root }).catch((e: unknown) => e);
    expect((error as BrokerFailures).errors.map((e) => e.message).sort()).toEqual([
      'specs/shop/data.yaml:1:1: openapi: unsupported OpenAPI version "9.0.0": expected "3.0.x" or "3.1.x"',
      'specs/shop/trading.yaml:3:1: openapi: unsupported OpenAPI version "9.0.0": expected "3.0.x" or "3.1.x"',
    ]);
  });
});

describe("errors raised inside openapi-typescript", () => {
  // The checks above keep these from reaching openapi-typescript during generation; called directly,
  // openapi-typescript raises its own errors, which are still mapped to a file, line:column and pointer.
  async function openapiTsMessage(text: string, files: Record<string, string> = {}): Promise<string> {
    const { dir } = brokerWith({ "trading.yaml": text, ...files });
    const file = join(dir, "trading.yaml");
    const loaded = await loadSpec(file, join(dir, "../.."));
    const error = await openapiTypes(pathToFileURL(file), file, loaded.root.displayPath, loaded).catch(
      (e: unknown) => e,
    );
    return (error as Error).message;
  }

  it("its lint error (a duplicate operationId) names the operation's line:column and the pointer", async () => {
    expect(await openapiTsMessage(edit(spec, "operationId: getOrderV1", "operationId: getOrder"))).toBe(
      'specs/bad/trading.yaml:57:7: paths["/v1/orders/{order_id}"].get: openapi-typescript: Every operation must have a unique `operationId`. (schema path #/paths/~1v1~1orders~1{order_id}/get/getOrder)',
    );
  });

  it("its error about a schema bundled from another file names that file", async () => {
    const list = edit(
      orders,
      '    symbol: { type: string }\n    qty: { type: number }\n    side: { $ref: "#/Side" }\n    client_order_id: { type: string }\n',
      "    - symbol\n",
    );
    expect(await openapiTsMessage(spec, { "schemas/order.yaml": list })).toBe(
      "specs/bad/schemas/order.yaml:2:3: NewOrder: openapi-typescript: invalid property 0. Expected Schema Object or boolean, got string (schema path #/components/schemas/NewOrder)",
    );
  });

  it("a crash in its transform names the schema it was converting", async () => {
    const text = `${spec}components:\n  schemas:\n    Broken:\n      type: object\n      enum: 5\n`;
    expect(await openapiTsMessage(text)).toBe(
      "specs/bad/trading.yaml:105:7: components.schemas.Broken: openapi-typescript: cannot convert this schema (TypeError: items.entries is not a function or its return value is not iterable) (schema path #/components/schemas/Broken)",
    );
  });
});
