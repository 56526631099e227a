import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { classifySpecChange } from "../src/changes/classify.js";
import { documentsOf, type SpecDocuments } from "../src/changes/documents.js";
import type { SpecChange } from "../src/changes/types.js";
import { loadSpec } from "../src/spec/load.js";
import { fixturesDir } from "./helpers.js";

const BASE = `
openapi: 3.1.0
info: { title: Test, version: "1" }
paths:
  /orders:
    get:
      operationId: listOrders
      description: Lists orders.
      parameters:
        - { name: status, in: query, schema: { type: string, enum: [open, closed] } }
      responses:
        "200":
          description: Orders.
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Order" } }
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/NewOrder" }
      responses:
        "200":
          description: The order.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Order" }
  /orders/{id}:
    delete:
      operationId: cancelOrder
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "204": { description: Canceled. }
components:
  schemas:
    NewOrder:
      type: object
      required: [symbol, qty]
      properties:
        symbol: { type: string, example: AAPL }
        qty: { type: number }
        side: { $ref: "#/components/schemas/Side" }
    Order:
      type: object
      required: [id, symbol]
      properties:
        id: { type: string }
        symbol: { type: string }
        filled_at: { type: [string, "null"], format: date-time }
        side: { $ref: "#/components/schemas/Side" }
    Side:
      type: string
      enum: [buy, sell]
`;

// biome-ignore lint/suspicious/noExplicitAny: the tests edit parsed YAML freely, at any depth
type Doc = any;

function docs(yaml: string): SpecDocuments {
  return { root: "api.yaml", documents: { "api.yaml": parse(yaml) } };
}

/** Applies `edit` to a fresh copy of the base spec and classifies the result against the base. */
function classify(edit: (spec: Doc) => void): SpecChange[] {
  const after = parse(BASE);
  edit(after);
  return classifySpecChange(docs(BASE), { root: "api.yaml", documents: { "api.yaml": after } });
}

const bumps = (changes: SpecChange[]) => [...new Set(changes.map((c) => c.bump))];
const schemas = (spec: Doc) => spec.components.schemas;

describe("classifySpecChange", () => {
  it("finds nothing in an identical spec", () => {
    expect(classify(() => {})).toEqual([]);
  });

  describe("patch: documentation and examples only", () => {
    it("a description or an example", () => {
      const changes = classify((s) => {
        s.paths["/orders"].get.description = "Lists every order.";
        schemas(s).NewOrder.properties.symbol.example = "MSFT";
      });
      expect(changes).toEqual([{ bump: "patch", message: "Documentation and examples updated (2 places)" }]);
    });

    it("listed beside structural changes too, so the changeset tells the whole story", () => {
      const changes = classify((s) => {
        s.paths["/orders"].get.description = "Lists every order.";
        schemas(s).Side.enum.push("short");
      });
      expect(changes).toEqual([
        { bump: "minor", message: "schema `Side`: enum value `short` added" },
        { bump: "patch", message: "Documentation and examples updated (1 place)" },
      ]);
    });

    it("a validation keyword the types do not show", () => {
      const changes = classify((s) => {
        schemas(s).Order.properties.filled_at.format = "date";
      });
      expect(bumps(changes)).toEqual(["patch"]);
      expect(changes[0]?.message).toBe("schema `Order`, field `filled_at`: validation changed (`format`)");
    });
  });

  describe("minor: additive", () => {
    it("a new path and operation", () => {
      const changes = classify((s) => {
        s.paths["/positions"] = { get: { operationId: "listPositions", responses: { "200": { description: "ok" } } } };
        s.paths["/orders/{id}"].get = { operationId: "getOrder", responses: { "200": { description: "ok" } } };
      });
      expect(changes).toEqual([
        { bump: "minor", message: "Added operation `GET /orders/{id}` (getOrder)" },
        { bump: "minor", message: "Added operation `GET /positions` (listPositions)" },
      ]);
    });

    it("an optional field, in a schema used by requests and responses", () => {
      const changes = classify((s) => {
        schemas(s).Order.properties.extended_hours = { type: "boolean" };
        schemas(s).NewOrder.properties.extended_hours = { type: "boolean" };
      });
      expect(changes).toEqual([
        { bump: "minor", message: "schema `NewOrder`: added optional field `extended_hours`" },
        { bump: "minor", message: "schema `Order`: added optional field `extended_hours`" },
      ]);
    });

    it("an optional parameter and a new enum value", () => {
      const changes = classify((s) => {
        s.paths["/orders"].get.parameters.push({ name: "limit", in: "query", schema: { type: "integer" } });
        schemas(s).Side.enum.push("short");
      });
      expect(changes).toEqual([
        { bump: "minor", message: "Added optional `GET /orders` query parameter `limit`" },
        { bump: "minor", message: "schema `Side`: enum value `short` added" },
      ]);
    });

    it("a required field in a schema only ever received", () => {
      const changes = classify((s) => {
        schemas(s).Order.properties.created_at = { type: "string" };
        schemas(s).Order.required.push("created_at");
      });
      expect(changes).toEqual([{ bump: "minor", message: "schema `Order`: added field `created_at`" }]);
    });

    it("a widened type in what callers send", () => {
      const changes = classify((s) => {
        schemas(s).NewOrder.properties.qty.type = ["number", "string"];
      });
      expect(changes).toEqual([
        { bump: "minor", message: "schema `NewOrder`, field `qty`: accepts more types (number → number | string)" },
      ]);
    });
  });

  describe("major: breaking", () => {
    it("a removed operation", () => {
      const changes = classify((s) => {
        delete s.paths["/orders/{id}"];
      });
      expect(changes).toEqual([{ bump: "major", message: "Removed operation `DELETE /orders/{id}` (cancelOrder)" }]);
    });

    it("a renamed operation, by operationId or by path", () => {
      const renamed = classify((s) => {
        s.paths["/orders/{id}"].delete.operationId = "deleteOrder";
      });
      expect(renamed).toEqual([
        { bump: "major", message: "Renamed operation `DELETE /orders/{id}`: cancelOrder → deleteOrder" },
      ]);
      const moved = classify((s) => {
        s.paths["/orders/{order_id}"] = s.paths["/orders/{id}"];
        delete s.paths["/orders/{id}"];
      });
      expect(moved).toEqual([
        { bump: "major", message: "Moved operation cancelOrder: `DELETE /orders/{id}` → `DELETE /orders/{order_id}`" },
      ]);
    });

    it("a removed field", () => {
      const changes = classify((s) => {
        delete schemas(s).Order.properties.filled_at;
      });
      expect(changes).toEqual([{ bump: "major", message: "schema `Order`: removed field `filled_at`" }]);
    });

    it("a newly required parameter, and a new required one", () => {
      const changes = classify((s) => {
        s.paths["/orders"].get.parameters[0].required = true;
        s.paths["/orders"].get.parameters.push({ name: "account", in: "header", required: true, schema: {} });
      });
      expect(changes).toEqual([
        { bump: "major", message: "`GET /orders` query parameter `status` is now required" },
        { bump: "major", message: "Added required `GET /orders` header parameter `account`" },
      ]);
    });

    it("a required field in what callers send", () => {
      const changes = classify((s) => {
        schemas(s).NewOrder.required.push("side");
      });
      expect(changes).toEqual([{ bump: "major", message: "schema `NewOrder`, field `side`: now required" }]);
    });

    it("a narrowed type", () => {
      const changes = classify((s) => {
        schemas(s).NewOrder.properties.qty.type = "integer";
        schemas(s).Order.properties.filled_at.type = "string";
      });
      expect(changes).toEqual([
        { bump: "major", message: "schema `NewOrder`, field `qty`: type changed (number → integer)" },
        { bump: "major", message: "schema `Order`, field `filled_at`: type changed (string | null → string)" },
      ]);
    });

    it("a removed enum value, in a query parameter and in a shared schema", () => {
      const changes = classify((s) => {
        s.paths["/orders"].get.parameters[0].schema.enum = ["open"];
        schemas(s).Side.enum = ["buy"];
      });
      expect(changes).toEqual([
        { bump: "major", message: "`GET /orders` query parameter `status`: enum value `closed` removed" },
        { bump: "major", message: "schema `Side`: enum value `sell` removed" },
      ]);
    });

    it("a field that may now be missing from what callers receive, and a removed response", () => {
      const changes = classify((s) => {
        schemas(s).Order.required = ["id"];
        delete s.paths["/orders/{id}"].delete.responses["204"];
        s.paths["/orders/{id}"].delete.responses["200"] = { description: "ok" };
      });
      expect(changes).toEqual([
        { bump: "major", message: "Removed `DELETE /orders/{id}` response 204" },
        { bump: "major", message: "schema `Order`, field `symbol`: no longer required" },
        { bump: "minor", message: "Added `DELETE /orders/{id}` response 200" },
      ]);
    });

    it("a body schema replaced by another named schema", () => {
      const changes = classify((s) => {
        s.paths["/orders"].post.requestBody.content["application/json"].schema.$ref = "#/components/schemas/Order";
      });
      expect(changes).toEqual([
        {
          bump: "major",
          message:
            "`POST /orders` request body (application/json): type changed from schema `NewOrder` to schema `Order`",
        },
      ]);
    });
  });

  it("follows local multi-file $refs (the minibroker fixture's schemas/order.yaml)", async () => {
    const spec = await loadSpec(join(fixturesDir, "minibroker/trading.yaml"));
    const before = documentsOf(spec);
    expect(Object.keys(before.documents)).toEqual(["schemas/order.yaml", "trading.yaml"]);
    const after: SpecDocuments = structuredClone(before);
    const order = after.documents["schemas/order.yaml"] as Doc;
    order.NewOrder.properties.time_in_force = { type: "string" };
    order.Side.enum = ["buy"];
    expect(classifySpecChange(before, after)).toEqual([
      { bump: "major", message: "schema `schemas/order.yaml#/Side`: enum value `sell` removed" },
      { bump: "minor", message: "schema `schemas/order.yaml#/NewOrder`: added optional field `time_in_force`" },
      // Order is allOf [NewOrder, …], so its type gains the field too.
      { bump: "minor", message: "schema `schemas/order.yaml#/Order`: added optional field `time_in_force`" },
    ]);
  });

  it("merges allOf members, so a field added to a base schema shows in the derived one", async () => {
    const spec = await loadSpec(join(fixturesDir, "minibroker/trading.yaml"));
    const before = documentsOf(spec);
    const after: SpecDocuments = structuredClone(before);
    const order = after.documents["schemas/order.yaml"] as Doc;
    delete order.NewOrder.properties.client_order_id;
    const messages = classifySpecChange(before, after).map((c) => `${c.bump} ${c.message}`);
    expect(messages).toContain("major schema `schemas/order.yaml#/NewOrder`: removed field `client_order_id`");
    expect(messages).toContain("major schema `schemas/order.yaml#/Order`: removed field `client_order_id`");
  });
});
