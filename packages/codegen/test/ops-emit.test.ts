/**
 * The `ops` emitter: table entries by shape (flat, flat with header keys, nested), JSDoc from the spec's
 * summary and description with a `*\/` in the text kept from closing the comment, and names that are not
 * identifiers quoted.
 */
import { describe, expect, it } from "vitest";
import { emitOps } from "../src/emit/ops.js";
import type { NamedOperation } from "../src/spec/named-operations.js";

const op = (over: Partial<NamedOperation>): NamedOperation => ({
  id: "getThing",
  index: 0,
  method: "GET",
  template: "/things/{id}",
  deprecated: false,
  shape: "flat",
  headers: [],
  ...over,
});

describe("emitOps", () => {
  const text = emitOps("Demo", "demo API", [
    op({ id: "getThing", index: 3, summary: "Read a thing", description: "Line one.\nEnds a comment */ here." }),
    op({ id: "placeThing", index: 4, method: "POST", headers: ["X-REQID"] }),
    op({ id: "clash", index: 5, shape: "nested" }),
    op({ id: "get-legacy", index: 6, deprecated: true }),
    op({ id: "listThings", index: 7, summary: "List things" }),
  ]);

  it("writes one table entry per operation, by shape", () => {
    expect(text).toContain("  getThing: 3,\n");
    expect(text).toContain('  placeThing: [4, "X-REQID"],\n');
    expect(text).toContain("  clash: [5, 0],\n");
    expect(text).toContain('  "get-legacy": 6,\n');
  });

  it("documents each method with the summary, the description and the route; nested shapes use NestedArgs", () => {
    expect(text).toContain(
      [
        "  /**",
        "   * Read a thing",
        "   *",
        "   * Line one.",
        "   * Ends a comment *\\/ here.",
        "   *",
        "   * `GET /things/{id}`",
        "   */",
        '  getThing(...args: Args<"getThing">): Result<"getThing", Throws>;',
      ].join("\n"),
    );
    expect(text).toContain('  clash(...args: NestedArgsOf<"clash">)');
    expect(text).toContain("type Args<Id extends keyof operations> = OpArgs<FlatArgs<operations[Id]>>;");
    expect(text).toContain("type NestedArgsOf<Id extends keyof operations> = OpArgs<NestedArgs<operations[Id]>>;");
    expect(text).toMatch(/@deprecated[^\n]*\n {3}\*\/\n {2}"get-legacy"\(/);
    // A summary alone fits one line, with the route.
    expect(text).toContain('  /** List things (`GET /things/{id}`) */\n  listThings(...args: Args<"listThings">)');
    expect(text.match(/\*\//g)?.length).toBe(text.match(/\/\*\*/g)?.length);
  });
});
