/**
 * The header snapshot the default transport keeps on its responses (header-snapshot.ts) must read
 * exactly as the Response's own Headers do: the layers decide on it (rate limits, deprecations, cookies,
 * body length). Real answers from a node:http server, sent raw so that names keep the server's case and
 * repeated lines stay repeated.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responseHeader, responseHeaderNames } from "../src/header-snapshot.js";
import { createUndiciFetch } from "../src/transport/undici-fetch.js";

/** Each case: header lines as the server writes them, and whether the body is gzip-encoded. */
const CASES: { lines: [string, string][]; gzip?: boolean }[] = [
  { lines: [["Content-Type", "application/json"]] },
  {
    lines: [
      ["X-RateLimit-Limit", "200"],
      ["X-RateLimit-Remaining", "0"],
      ["X-RateLimit-Reset", "1700000000"],
    ],
  },
  {
    lines: [
      ["x-ratelimit-session-remaining", "3"],
      ["X-RATELIMIT-SESSION-RESET", "12"],
      ["X-RateLimit-AppDay-Remaining", "100"],
      ["x-ratelimit-orders-remaining", "0"],
    ],
  },
  {
    lines: [
      ["Set-Cookie", "a=1; Path=/"],
      ["Set-Cookie", "b=2; Path=/; HttpOnly"],
      ["Link", '<https://example.test/v2>; rel="successor-version"'],
      ["Link", '<https://example.test/sunset>; rel="sunset"'],
      ["Deprecation", "@1700000000"],
      ["Sunset", "Wed, 11 Nov 2026 11:11:11 GMT"],
    ],
  },
  {
    lines: [
      ["Content-Type", "application/json"],
      ["Content-Encoding", "gzip"],
      ["X-Request-Id", "abc"],
    ],
    gzip: true,
  },
  {
    lines: [
      ["Retry-After", "2"],
      ["X-Empty", ""],
      ["Vary", "Accept"],
      ["Vary", "Origin"],
    ],
  },
];

const PROBED = [
  "content-type",
  "content-length",
  "content-encoding",
  "set-cookie",
  "link",
  "deprecation",
  "sunset",
  "retry-after",
  "x-empty",
  "vary",
  "x-request-id",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-session-reset",
  "absent",
  "constructor",
  "__proto__",
  "tostring",
];

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const index = Number(new URL(req.url ?? "/", "http://x").searchParams.get("case"));
    const { lines, gzip } = CASES[index] as (typeof CASES)[number];
    const body = gzip ? gzipSync('{"ok":true}') : Buffer.from('{"ok":true}');
    const flat = [...lines.flat(), "Content-Length", String(body.byteLength)];
    res.writeHead(200, flat);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("header snapshot of the default transport", () => {
  const fetchLike = createUndiciFetch();

  it.each(CASES.map((_, index) => index))("case %i reads as the response's Headers do", async (index) => {
    const response = await fetchLike(`${base}/?case=${index}`, { headers: { "accept-encoding": "gzip" } });
    // A copy has no snapshot: it is read through its Headers, the reference.
    const reference = new Response(null, { headers: response.headers });
    for (const name of PROBED) {
      expect([name, responseHeader(response, name)]).toEqual([name, reference.headers.get(name)]);
      expect([name, responseHeader(reference, name)]).toEqual([name, reference.headers.get(name)]);
    }
    for (const prefix of ["x-ratelimit-", "content-", "nothing-"]) {
      expect(responseHeaderNames(response, prefix)).toEqual(responseHeaderNames(reference, prefix));
    }
    expect(await response.json()).toEqual({ ok: true });
  });
});
