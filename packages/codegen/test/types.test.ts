import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emitTypes } from "../src/emit/types.js";
import { loadSpec } from "../src/spec/load.js";
import { tempWorkspace } from "./helpers.js";

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
