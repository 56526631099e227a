/** The leak finder the fault suites rely on: it must find a secret whole, cut, or only partly echoed. */
import { describe, expect, it } from "vitest";
import { errorSurfaces, findLeaks, indexSecrets } from "../src/secrets.js";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQMDM5MDA0IiwiZXhwIjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const secrets = indexSecrets([JWT, "short-secret"]);

describe("leak finder", () => {
  it("finds a secret whole, a 16-character fragment of it, and a short secret whole", () => {
    expect(findLeaks({ message: `token ${JWT}` }, secrets)).toHaveLength(1);
    expect(findLeaks({ message: `…${JWT.slice(40, 56)}…` }, secrets)).toEqual([
      "secret #0 (whole or a 16-character fragment) in message",
    ]);
    expect(findLeaks({ message: "key=short-secret" }, secrets)).toEqual(["secret #1 in message"]);
  });

  it("passes 15 characters of a secret and unrelated text", () => {
    expect(findLeaks({ message: JWT.slice(40, 55), stack: "nothing to see" }, secrets)).toEqual([]);
  });

  it("searches the stack, String(), JSON and a deep inspect of the cause chain", () => {
    const error = new Error("outer", { cause: new Error(`inner ${JWT.slice(10, 30)}`) });
    const surfaces = Object.keys(errorSurfaces(error));
    expect(surfaces).toEqual(["String()", "JSON.stringify", "inspect", "message", "stack"]);
    expect(findLeaks(errorSurfaces(error), secrets)).toContain(
      "secret #0 (whole or a 16-character fragment) in inspect",
    );
  });
});
