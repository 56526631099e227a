import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pkceChallenge } from "../src/auth/oauth2-pkce.js";
import { credentialIdentity } from "../src/auth/provider.js";
import { base64ToUtf8, base64url, utf8ToBase64 } from "../src/base64.js";
import { sha256, toHex } from "../src/sha256.js";

describe("the portable SHA-256 and base64 (no node:crypto, no Buffer)", () => {
  it("matches node:crypto on every length around the block and padding boundaries, and on UTF-8", () => {
    const inputs = ["", "abc", "ключ-🔑", ...Array.from({ length: 140 }, (_, n) => "x".repeat(n))];
    for (const input of inputs) {
      expect(toHex(sha256(input)), JSON.stringify(input)).toBe(createHash("sha256").update(input).digest("hex"));
    }
  });

  it("computes RFC 7636's S256 example challenge", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("keeps credential identities as before: kind plus 12 hex chars of the digest, never the secret", () => {
    const identity = credentialIdentity("bearer", "s3cret-token");
    expect(identity).toBe(`bearer:${createHash("sha256").update("s3cret-token").digest("hex").slice(0, 12)}`);
    expect(identity).not.toContain("s3cret");
  });

  it("encodes and decodes base64 like Buffer does", () => {
    for (const text of ["", "user:pä$$", "a", "ab", "abc", "🔑:x"]) {
      expect(utf8ToBase64(text)).toBe(Buffer.from(text).toString("base64"));
      expect(base64ToUtf8(Buffer.from(text).toString("base64url"))).toBe(text);
    }
    const bytes = new Uint8Array([251, 255, 191, 0, 1]);
    expect(base64url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
    expect(() => base64ToUtf8("%%%")).toThrow();
  });
});
