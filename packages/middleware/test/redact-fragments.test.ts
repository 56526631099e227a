/**
 * redactText beyond whole secrets: any piece of 16 characters or more of a registered secret (cut
 * short, wrapped over lines), echoed secret headers and `Bearer`/`Basic` credentials that were never
 * registered, with ordinary text left alone. Then the same through a real server that echoes the
 * request's headers, and the bound on registered secrets.
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { bearer } from "../src/auth/bearer.js";
import { auth } from "../src/auth/layer.js";
import { compose, fromFetch } from "../src/compose.js";
import { HttpError } from "../src/errors.js";
import { redactText, redactValue, registerSecret } from "../src/redact.js";
import { clientOf, json, type LocalServer, startLocalServer } from "./support/local-server.js";

const PIECE = 16;
const token = () => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${randomBytes(120).toString("base64url")}.sig`;

/** Every 16-character piece of `secret` that `text` still holds. */
function piecesIn(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let start = 0; start + PIECE <= secret.length; start++) {
    const piece = secret.slice(start, start + PIECE);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("pieces of registered secrets", () => {
  it("masks a token cut short at either end, or cut out of its middle", () => {
    const secret = token();
    registerSecret(secret);
    for (const piece of [secret.slice(0, 40), secret.slice(-17), secret.slice(50, 50 + PIECE), secret.slice(9, 120)]) {
      const out = redactText(`rejected: ${piece}… (truncated)`);
      expect(out).toBe("rejected: [REDACTED]… (truncated)");
    }
  });

  it("masks a token wrapped over lines, piece by piece", () => {
    const secret = token();
    registerSecret(secret);
    const wrapped = secret.match(/.{1,20}/g)?.join("\n") ?? "";
    const out = redactText(`token:\n${wrapped}\nend`);
    expect(piecesIn(out, secret)).toEqual([]);
    expect(out).toContain("[REDACTED]");
    expect(out.endsWith("\nend")).toBe(true);
  });

  it("leaves a run shorter than 16 characters and the text around a piece untouched", () => {
    const secret = token();
    registerSecret(secret);
    const short = secret.slice(60, 60 + PIECE - 1);
    expect(redactText(`id ${short} ok`)).toBe(`id ${short} ok`);
    const piece = secret.slice(60, 60 + PIECE);
    // Spaces around it: a base64url token may itself continue with "-", which would extend the redacted run.
    expect(redactText(`before ${piece} after`)).toBe("before [REDACTED] after");
  });

  it("masks short secrets (6 to 15 characters) whole, not by their parts", () => {
    registerSecret("pw-9f3k2x1");
    expect(redactText("password pw-9f3k2x1 refused")).toBe("password [REDACTED] refused");
    expect(redactText("prefix pw-9f3k only")).toBe("prefix pw-9f3k only");
  });

  it("finds a piece of one of 512 secrets that all share the same JWT header", () => {
    const all = Array.from({ length: 512 }, token);
    for (const secret of all) registerSecret(secret);
    const chosen = all[300] as string;
    const out = redactText(`x ${chosen.slice(20, 70)} y ${chosen.slice(100, 117)} z`);
    expect(out).toBe("x [REDACTED] y [REDACTED] z");
  });

  it("keeps at most 512 secrets: the oldest is forgotten, whole and in pieces", () => {
    const first = token();
    registerSecret(first);
    const later = Array.from({ length: 512 }, token);
    for (const secret of later) registerSecret(secret);
    expect(redactText(first.slice(40, 80))).toBe(first.slice(40, 80));
    expect(redactText((later[0] as string).slice(40, 80))).toBe("[REDACTED]");
    expect(redactText((later[511] as string).slice(40, 80))).toBe("[REDACTED]");
  });
});

describe("echoed credentials that were never registered", () => {
  const unknown = `u${randomBytes(24).toString("hex")}`;
  const basic = Buffer.from(`svc:${unknown}`).toString("base64");

  const echoes: [string, string][] = [
    [`{"headers": {"Authorization": "Bearer ${unknown}"}}`, `{"headers": {"Authorization": "[REDACTED]"}}`],
    [`Authorization: Bearer ${unknown}\nAccept: */*`, "Authorization: [REDACTED]\nAccept: */*"],
    [`authorization=${unknown}&x=1`, "authorization=[REDACTED]&x=1"],
    [`Proxy-Authorization: Basic ${basic}`, "Proxy-Authorization: [REDACTED]"],
    [`{\\"authorization\\": \\"Bearer ${unknown}\\"}`, `{\\"authorization\\": \\"[REDACTED]\\"}`],
    [`X-API-Key: ${unknown}; retry`, "X-API-Key: [REDACTED]; retry"],
    [`APCA-API-SECRET-KEY=${unknown}`, "APCA-API-SECRET-KEY=[REDACTED]"],
    [`Cookie: session=${unknown}; lang=en\nHost: a`, "Cookie: [REDACTED]\nHost: a"],
    [`"set-cookie": ["sid=${unknown}; Path=/"]`, `"set-cookie": ["[REDACTED]"]`],
    [`sent Bearer ${unknown} twice`, "sent Bearer [REDACTED] twice"],
    [`sent basic ${basic}`, "sent basic [REDACTED]"],
  ];
  for (const [echo, expected] of echoes) {
    it(`masks ${expected.split(/[:=]/)[0]}`, () => {
      expect(redactText(echo)).toBe(expected);
      expect(redactText(expected)).toBe(expected);
    });
  }

  it("leaves ordinary words after the scheme names and header names alone", () => {
    for (const text of [
      'WWW-Authenticate: Bearer error="invalid_token"',
      "Basic authentication is not supported",
      "Authorization failed: the token expired",
      "missing Authorization header",
      "cookies are disabled",
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it("masks secret headers in a parsed body by key, whatever their value", () => {
    expect(redactValue({ headers: { Cookie: "a=b", "X-API-Key": "k", Accept: "json" } })).toEqual({
      headers: { Cookie: "[REDACTED]", "X-API-Key": "[REDACTED]", Accept: "json" },
    });
  });
});

describe("through a real server that echoes the request", () => {
  it("an HttpError quoting a cut-short echo of the bearer token holds no piece of it", async () => {
    const secret = token();
    const server = await startLocalServer((arrival, res) => {
      // Echoes the header as text, wrapped at 64 characters, then cut to 100 characters.
      const wrapped = String(arrival.headers.authorization)
        .match(/.{1,64}/g)
        ?.join("\n");
      json(res, 400, { message: `denied for ${wrapped}`.slice(0, 100) });
    });
    servers.push(server);
    const fetch = clientOf(compose(fromFetch(), [auth(bearer({ accessToken: secret }))]));
    const response = await fetch(`${server.url}/orders`);
    const body = (await response.json()) as { message: string };
    expect(piecesIn(body.message, secret).length).toBeGreaterThan(0);
    const error = new HttpError(`server said: ${body.message}`, { status: response.status, body });
    for (const form of [
      error.message,
      error.stack ?? "",
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
    ]) {
      expect(piecesIn(form, secret)).toEqual([]);
    }
  });
});
