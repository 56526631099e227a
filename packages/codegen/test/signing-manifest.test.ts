/**
 * The manifest vocabulary for signed, weighted APIs: what the generator emits (signed and weighted
 * operations, client-filled parameters gone from the types, a bodyField key no longer required) and the
 * errors a schema cannot catch (a client-filled parameter nothing fills, an `operations` key the spec lacks).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CodegenError, CodegenErrors } from "../src/errors.js";
import { generate } from "../src/generate.js";
import { tempWorkspace } from "./helpers.js";

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

const manifest = `package: "@brokerkit/signedbroker"
description: Signed broker fixture.
environments:
  live:
    servers:
      api: https://api.signed.example
apis:
  spot:
    spec: spot.yaml
    server: api
    factory: createSignedClient
    auth: [hmac]
    operations:
      GET /book: { weight: 5 }
      POST /query: { safe: true }
auth:
  hmac:
    kind: signature
    payload: query+body
    keyHeader: X-KEY
    signature: { in: query, name: signature }
    timestamp: { in: query, name: timestamp }
    receiveWindow: { name: recvWindow, value: 5s }
    serverTime: { url: "{api}/time", field: serverTime }
rateLimits:
  - { name: weight, limit: 1200, per: 1m, unit: weight, scope: ip, headers: { used: X-USED-WEIGHT }, banStatuses: [418] }
  - { name: per-account, limit: 10, per: 1s, scope: { param: account }, path: "/accounts/{account}/**" }
clientFilled:
  - { name: timestamp, in: query }
  - { name: signature, in: query }
  - { name: recvWindow, in: query, types: optional }
  - { name: clientId, in: body }
idempotency:
  bodyField: clientId
  methods: [POST]
  paths: [/orders]
`;

const spec = `openapi: 3.0.3
info: { title: signed, version: "1" }
paths:
  /time:
    get:
      responses: { "200": { description: ok } }
  /book:
    get:
      parameters:
        - { name: symbol, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /query:
    post:
      parameters:
        - $ref: "#/components/parameters/Timestamp"
        - { name: signature, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /orders:
    post:
      parameters:
        - $ref: "#/components/parameters/Timestamp"
        - { name: signature, in: query, required: true, schema: { type: string } }
        - { name: recvWindow, in: query, required: true, schema: { type: integer } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/NewOrder" }
      responses: { "200": { description: ok } }
components:
  parameters:
    Timestamp: { name: timestamp, in: query, required: true, schema: { type: integer } }
  schemas:
    NewOrder:
      type: object
      required: [symbol, clientId]
      properties:
        symbol: { type: string }
        clientId: { type: string }
`;

async function run(files: Record<string, string>) {
  const ws = tempWorkspace();
  dispose = ws.dispose;
  const dir = join(ws.specsDir, "signedbroker");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries({ "broker.yaml": manifest, "spot.yaml": spec, ...files })) {
    writeFileSync(join(dir, name), text);
  }
  await generate({ root: ws.root });
  const generated = join(ws.packagesDir, "signedbroker/src/generated/spot");
  return {
    types: readFileSync(join(generated, "types.ts"), "utf8"),
    config: readFileSync(join(generated, "config.ts"), "utf8"),
    client: readFileSync(join(generated, "client.ts"), "utf8"),
  };
}

async function failure(files: Record<string, string>): Promise<string> {
  try {
    await run(files);
  } catch (error) {
    if (error instanceof CodegenErrors) return error.errors.map((e) => e.message).join("\n");
    if (error instanceof CodegenError) return error.message;
    throw error;
  }
  throw new Error("expected generation to fail");
}

describe("signed and weighted APIs in the manifest", () => {
  it("flags signed and weighted operations and leaves client-filled parameters to the client", async () => {
    const { types, config, client } = await run({});
    expect(config).toContain('["POST","/query",{"safe":true,"signed":true}]');
    expect(config).toContain('["GET","/book",{"weight":5}]');
    expect(config).toContain('["POST","/orders",{"signed":true}]');
    expect(config).toMatch(/"scope":\s*\{\s*"param":\s*"account"\s*\}/);
    expect(client).toContain("{ apiKey: string; secretKey: string }");
    expect(client).toContain('"signature": signatureScheme');
    const orders = types.slice(types.indexOf('"/orders"'));
    // timestamp (a component parameter) and signature are gone; recvWindow is optional.
    expect(orders.slice(0, orders.indexOf("requestBody"))).not.toMatch(/timestamp|signature/);
    expect(types).toMatch(/recvWindow\?: number;/);
    // The idempotency body field is no longer required in the request body.
    expect(types).toMatch(/clientId\?: string;/);
    expect(types).toMatch(/symbol: string;/);
  });

  it("a client-filled parameter that nothing fills is an error naming it", async () => {
    const message = await failure({
      "broker.yaml": manifest.replace("  - { name: clientId, in: body }", "  - { name: nonce, in: header }"),
    });
    expect(message).toMatch(
      /^specs\/signedbroker\/broker\.yaml:\d+:\d+: clientFilled\[3\]: nothing in this manifest fills header parameter "nonce"/,
    );
  });

  it("an operations key that names no operation of the spec is an error", async () => {
    const message = await failure({ "broker.yaml": manifest.replace("GET /book:", "GET /books:") });
    expect(message).toMatch(
      /^specs\/signedbroker\/broker\.yaml:\d+:\d+: apis\.spot\.operations\["GET \/books"\]: no operation "GET \/books" in the spec of api "spot"/,
    );
  });

  it("a template payload needs its template", async () => {
    const message = await failure({ "broker.yaml": manifest.replace("payload: query+body", "payload: template") });
    expect(message).toMatch(
      /^specs\/signedbroker\/broker\.yaml:\d+:\d+: auth\.hmac: missing required field "template"/,
    );
  });
});
