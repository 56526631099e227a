import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { emitTypes } from "../src/emit/types.js";
import { loadSpec } from "../src/spec/load.js";
import { strictOptions, tempWorkspace } from "./helpers.js";

const ws = tempWorkspace();
afterAll(() => ws.dispose());

describe("emitTypes", () => {
  it("makes client-supplied idempotency headers optional to pass, and still resolves external refs", async () => {
    const dir = join(ws.root, "spec");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "schemas.yaml"), "Order:\n  type: object\n  properties:\n    id: { type: string }\n");
    writeFileSync(
      join(dir, "api.yaml"),
      `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /orders:
    post:
      parameters:
        - { name: X-REQID, in: header, required: true, schema: { type: string } }
        - { name: X-Other, in: header, required: true, schema: { type: string } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "./schemas.yaml#/Order" }
`,
    );
    const spec = await loadSpec(join(dir, "api.yaml"), ws.root);
    const relaxed = await emitTypes(spec, { clientSuppliedHeaders: ["x-reqid"] });
    expect(relaxed).toMatch(/"X-REQID"\?: string;/);
    expect(relaxed).toMatch(/"X-Other": string;/);
    expect(relaxed).toMatch(/id\?: string;/);
    const strict = await emitTypes(spec);
    expect(strict).toMatch(/"X-REQID": string;/);
  });
});

describe("emitTypes: what no type reads is left out", () => {
  const spec = `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
    get:
      summary: Read a thing
      responses:
        "200":
          description: The thing.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
        "429":
          description: Slow down.
          headers:
            Retry-After: { schema: { type: integer } }
components:
  schemas:
    Thing:
      type: object
      required: [id, kind]
      properties:
        id: { type: string }
        kind:
          type: string
          description: What it is.
          enum: [a, b]
        headers:
          description: A field that happens to be called headers.
          type: object
          additionalProperties: true
`;

  async function emitted(): Promise<string> {
    const dir = join(ws.root, "trim");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "api.yaml"), spec);
    return emitTypes(await loadSpec(join(dir, "api.yaml"), ws.root));
  }

  it("drops never-methods, path-level parameters, undeclared response headers and JSDoc noise; keeps the rest", async () => {
    const text = await emitted();
    expect(text).not.toMatch(/put\?: never/);
    expect(text).not.toMatch(/@enum/);
    expect(text).toContain("/** What it is. */");
    expect(text).toContain("/** The thing. */");
    // Declared response headers stay, and so does a schema field named `headers`.
    expect(text).toMatch(/"Retry-After"\?: number;/);
    expect(text).toMatch(
      /\/\*\* A field that happens to be called headers. \*\/\s+headers\?: \{\s+\[key: string\]: unknown;/,
    );
    // The operation keeps its own parameters, `never` locations included.
    expect(text).toMatch(/query\?: never;/);
    expect(text).toMatch(/requestBody\?: never;/);
  });

  it("openapi-fetch still offers exactly the spec's methods, with the same parameters and results", async () => {
    const dir = join(ws.root, "trim");
    writeFileSync(join(dir, "types.ts"), await emitted());
    writeFileSync(
      join(dir, "consumer.ts"),
      `import createClient from "openapi-fetch";
import type { paths } from "./types.js";
const client = createClient<paths>({ baseUrl: "http://127.0.0.1" });
export async function ok() {
  const { data } = await client.GET("/things/{id}", { params: { path: { id: "1" } } });
  const kind: "a" | "b" | undefined = data?.kind;
  return kind;
}
// @ts-expect-error: the spec has no PUT on this path
client.PUT("/things/{id}", { params: { path: { id: "1" } } });
// @ts-expect-error: the path parameter is required
client.GET("/things/{id}", {});
// @ts-expect-error: no request body on a GET
client.GET("/things/{id}", { params: { path: { id: "1" } }, body: {} });
`,
    );
    const program = ts.createProgram([join(dir, "consumer.ts")], { ...strictOptions(undefined, false), noEmit: true });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(errors).toEqual([]);
  });
});
