import { describe, expect, it } from "vitest";
import { querySerializerFor } from "../src/query.js";

describe("querySerializerFor", () => {
  it("is not needed when the spec declares no comma-separated arrays", () => {
    expect(querySerializerFor([])).toBeUndefined();
  });

  it("sends the declared arrays comma-separated and everything else as openapi-fetch does", () => {
    const serialize = querySerializerFor(["AssetTypes"]);
    expect(
      serialize?.({ Keywords: "eur usd", AssetTypes: ["FxSpot", "Stock"], Uics: [1, 2], $top: 10, skip: undefined }),
    ).toBe("Keywords=eur%20usd&AssetTypes=FxSpot,Stock&Uics=1&Uics=2&$top=10");
    expect(serialize?.({ AssetTypes: [] })).toBe("");
  });
});
