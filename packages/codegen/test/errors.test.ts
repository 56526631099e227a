/** Every class of bad input fails with a message naming the file, the position and the field. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CodegenError, CodegenErrors } from "../src/errors.js";
import { generate } from "../src/generate.js";
import { fixturesDir, tempWorkspace } from "./helpers.js";

const validManifest = readFileSync(join(fixturesDir, "minibroker/broker.yaml"), "utf8");
const validSpec = readFileSync(join(fixturesDir, "minibroker/trading.yaml"), "utf8");
const orderSchemas = readFileSync(join(fixturesDir, "minibroker/schemas/order.yaml"), "utf8");
let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

/** Writes a broker folder with the given files (defaults: the valid fixture) and returns all messages. */
async function failure(files: Record<string, string>): Promise<string> {
  const ws = tempWorkspace();
  dispose = ws.dispose;
  const dir = join(ws.specsDir, "bad");
  mkdirSync(join(dir, "schemas"), { recursive: true });
  const all = { "broker.yaml": validManifest, "trading.yaml": validSpec, "schemas/order.yaml": orderSchemas, ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  try {
    await generate({ root: ws.root });
  } catch (error) {
    if (error instanceof CodegenErrors) return error.errors.map((e) => e.message).join("\n");
    if (error instanceof CodegenError) return error.message;
    throw error;
  }
  throw new Error("expected generation to fail");
}

describe("manifest errors", () => {
  it("unknown key: names the key, its line and the allowed keys", async () => {
    const message = await failure({ "broker.yaml": validManifest.replace("rateLimits:", "rateLimitz:") });
    expect(message).toMatch(
      /^specs\/bad\/broker\.yaml:\d+:1: rateLimitz: unknown key "rateLimitz" \(expected one of: .*rateLimits/m,
    );
  });

  it("unknown key deep inside: names the full field path", async () => {
    const message = await failure({
      "broker.yaml": validManifest.replace("    limit: 50", "    limit: 50\n    burst: 5"),
    });
    expect(message).toMatch(/specs\/bad\/broker\.yaml:\d+:\d+: rateLimits\[0\]\.burst: unknown key "burst"/);
  });

  it("missing required field", async () => {
    const message = await failure({
      "broker.yaml": validManifest.replace("    factory: createMiniTradingClient\n", ""),
    });
    expect(message).toMatch(/specs\/bad\/broker\.yaml:\d+:\d+: apis\.trading: missing required field "factory"/);
  });

  it("wrong type and bad duration say what was expected", async () => {
    const message = await failure({
      "broker.yaml": validManifest.replace("limit: 50", 'limit: "fifty"').replace("per: 1s", "per: 1 second"),
    });
    expect(message).toMatch(/rateLimits\[0\]\.limit: expected integer, got string "fifty"/);
    expect(message).toMatch(/rateLimits\[0\]\.per: "1 second" is not valid: expected A duration such as 250ms/);
  });

  it("unknown auth kind", async () => {
    const message = await failure({ "broker.yaml": validManifest.replace("kind: static-headers", "kind: api-keys") });
    expect(message).toMatch(
      /auth\.keys\.kind: unknown auth kind "api-keys" \(expected one of: refresh-exchange, oauth2/,
    );
  });

  it("references to undefined servers, auth schemes and route params", async () => {
    const message = await failure({
      "broker.yaml": validManifest
        .replace("    server: api\n", "    server: rest\n")
        .replace("auth: [keys]", "auth: [keys, oauth]")
        .replace("to: /v2/orders/{order_id}", "to: /v2/orders/{id}"),
    });
    expect(message).toMatch(/apis\.trading\.server: server key "rest" is not defined in environment\(s\) live, paper/);
    expect(message).toMatch(/apis\.trading\.auth\[1\]: unknown auth scheme "oauth" \(defined: keys\)/);
    expect(message).toMatch(/routes\[0\]\.to: path parameters differ from "from" \(order_id vs id\)/);
  });

  it("broken YAML reports file:line:column", async () => {
    const message = await failure({ "broker.yaml": validManifest.replace("apis:\n", "apis:\n  trading: [unclosed\n") });
    expect(message).toMatch(/^specs\/bad\/broker\.yaml:\d+:\d+: invalid YAML: /);
  });

  it("missing spec file", async () => {
    const message = await failure({ "broker.yaml": validManifest.replace("spec: trading.yaml", "spec: tradin.yaml") });
    expect(message).toMatch(
      /specs\/bad\/broker\.yaml:\d+:\d+: apis\.trading\.spec: spec file specs\/bad\/tradin\.yaml does not exist/,
    );
  });
});

describe("spec errors", () => {
  it("Swagger 2.0 must be converted first", async () => {
    const message = await failure({ "trading.yaml": 'swagger: "2.0"\ninfo: { title: x, version: "1" }\npaths: {}\n' });
    expect(message).toMatch(
      /^specs\/bad\/trading\.yaml:1:1: swagger: this is a Swagger 2\.0 document; .*Convert it first/,
    );
  });

  it("unsupported OpenAPI version", async () => {
    const message = await failure({ "trading.yaml": validSpec.replace("openapi: 3.1.0", "openapi: 4.0.0") });
    expect(message).toMatch(/specs\/bad\/trading\.yaml:1:\d+: openapi: unsupported OpenAPI version "4\.0\.0"/);
  });

  it("broken YAML in a spec reports file:line:column", async () => {
    const message = await failure({
      "trading.yaml": validSpec.replace("  /v2/orders:\n", "  /v2/orders:\n   - bad: [\n"),
    });
    expect(message).toMatch(/^specs\/bad\/trading\.yaml:\d+:\d+: invalid YAML/);
  });

  it("invalid JSON reports file:line:column", async () => {
    const message = await failure({
      "broker.yaml": validManifest.replace("spec: trading.yaml", "spec: trading.json"),
      "trading.json": '{\n  "openapi": "3.0.3",\n  "paths": { , }\n}\n',
    });
    expect(message).toMatch(/^specs\/bad\/trading\.json:3:\d+: invalid JSON/);
  });

  it("unresolvable local $ref names the ref and where it was used", async () => {
    const message = await failure({ "schemas/order.yaml": orderSchemas.replace('$ref: "#/Side"', '$ref: "#/Sides"') });
    expect(message).toMatch(
      /specs\/bad\/schemas\/order\.yaml:\d+:\d+: NewOrder\.properties\.side\.\$ref: unresolvable \$ref "#\/Sides": specs\/bad\/schemas\/order\.yaml has no "Sides"/,
    );
  });

  it("unresolvable external file names the ref and where it was used", async () => {
    const message = await failure({
      "trading.yaml": validSpec.replace("./schemas/order.yaml#/NewOrder", "./schemas/missing.yaml#/NewOrder"),
    });
    expect(message).toMatch(
      /specs\/bad\/trading\.yaml:\d+:\d+: paths\["\/v2\/orders"\]\.post\.requestBody\.content\["application\/json"\]\.schema\.\$ref: unresolvable \$ref "\.\/schemas\/missing\.yaml#\/NewOrder": cannot load the referenced file: specs\/bad\/schemas\/missing\.yaml: file not found/,
    );
  });

  it("an unknown broker folder is named", async () => {
    const ws = tempWorkspace(["minibroker"]);
    dispose = ws.dispose;
    await expect(generate({ root: ws.root, brokers: ["nope"] })).rejects.toThrow(
      /specs\/nope\/broker\.yaml: no broker manifest found \(brokers with a manifest: minibroker\)/,
    );
  });
});
