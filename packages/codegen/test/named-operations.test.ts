/**
 * What the `ops` facade reads of a spec: operations by operationId with their index in the runtime table,
 * header parameter names, and the nested shape when merged names would be ambiguous.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpec } from "../src/spec/load.js";
import { namedOperations } from "../src/spec/named-operations.js";
import { extractOperations } from "../src/spec/operations.js";

const dir = mkdtempSync(join(tmpdir(), "brokerkit-opids-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
components:
  parameters:
    RequestId: { name: X-REQID, in: header, schema: { type: string } }
paths:
  /items/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
    get:
      operationId: getItem
      summary: Read an item
      parameters:
        - { name: fields, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
    put:
      operationId: putItem
      parameters:
        - $ref: "#/components/parameters/RequestId"
      responses: { "200": { description: ok } }
    delete:
      operationId: deleteItem
      parameters:
        - { name: id, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /search:
    get:
      operationId: search
      parameters:
        - { name: body, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
    post:
      operationId: getItem
      responses: { "200": { description: ok } }
    trace:
      operationId: traceSearch
      responses: { "200": { description: ok } }
  /anonymous:
    get:
      responses: { "200": { description: ok } }
`;

describe("namedOperations", () => {
  it("indexes operations by operationId, with shapes and header names", async () => {
    const file = join(dir, "spec.yaml");
    writeFileSync(file, SPEC);
    const spec = await loadSpec(file, dir);
    const { entries } = extractOperations(spec);
    const { operations, skipped } = namedOperations(spec, entries);
    const byId = Object.fromEntries(operations.map((op) => [op.id, op]));
    expect(Object.keys(byId).sort()).toEqual(["deleteItem", "getItem", "putItem", "search"]);
    expect(byId.getItem).toMatchObject({
      method: "GET",
      template: "/items/{id}",
      summary: "Read an item",
      shape: "flat",
    });
    expect(entries[byId.getItem?.index ?? -1]).toEqual(["GET", "/items/{id}"]);
    expect(byId.putItem).toMatchObject({ shape: "flat", headers: ["X-REQID"] });
    // `id` is both a path and a query parameter; `body` would clash with the body key.
    expect(byId.deleteItem?.shape).toBe("nested");
    expect(byId.search?.shape).toBe("nested");
    expect(skipped).toEqual(['POST /search: operationId "getItem" is used twice; only the first is in ops']);
  });
});
