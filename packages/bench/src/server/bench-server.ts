/**
 * The bench server: a plain node:http server on 127.0.0.1, run in its own process so that its CPU
 * time never counts as the client's. It answers every client under test with what it needs:
 * - `GET …/{service}/isalive`: Saxo-style load-balancer cookies (affinity on the service's path, edge on `/`);
 * - `POST …/refresh`: an ALOR-style `{ AccessToken: <JWT> }` whose `exp` is now + the token TTL;
 * - `POST …/token`: an OAuth2 token answer;
 * - anything else: the same ~300-byte JSON document.
 * Keep-alive stays on for the whole run. Arrival times of tagged requests are kept for the throttle suite.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerCounters, type ServerReply, type ServerRequest, TAG_HEADER } from "./protocol.js";

const DOCUMENT = Buffer.from(
  JSON.stringify({
    AccountId: "BENCH-0001",
    AccountKey: "bXdT5n2dJc7Lq9Vw",
    Currency: "USD",
    CashBalance: 1234567.89,
    MarginAvailable: 987654.32,
    Positions: [
      { Symbol: "SBER", Exchange: "MOEX", Quantity: 1200, AveragePrice: 271.35 },
      { Symbol: "AAPL", Exchange: "NASDAQ", Quantity: 35, AveragePrice: 189.12 },
    ],
    Status: "active",
    UpdatedAt: "2026-01-05T09:30:00.000Z",
    Flags: { PatternDayTrader: false, TradingBlocked: false },
  }),
);
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "content-length": String(DOCUMENT.length) };
const SAXO_PREFIX = "/sim/openapi/";
const EDGE_COOKIE = "bench-edge";
const affinityCookie = (service: string) => `bench-affinity-${service}`;

let tokenTtlSeconds = 3600;
let tokenSerial = 0;
const arrivals = new Map<string, number[]>();
let counters: ServerCounters = freshCounters();

function freshCounters(): ServerCounters {
  return { requests: 0, tokenRequests: 0, probes: {}, unstickyCalls: 0, unauthenticated: 0 };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function jwt(): string {
  const exp = Math.floor(Date.now() / 1000) + tokenTtlSeconds;
  return `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url({ sub: "bench", exp, jti: ++tokenSerial })}.c2lnbmF0dXJl`;
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  counters.requests++;
  const tag = req.headers[TAG_HEADER];
  if (typeof tag === "string") {
    const at = performance.now();
    const list = arrivals.get(tag);
    if (list) list.push(at);
    else arrivals.set(tag, [at]);
  }
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const path = query < 0 ? url : url.slice(0, query);

  if (path.startsWith("/semantics/")) {
    semantics(path.slice("/semantics/".length), req, res);
    return;
  }
  if (req.method === "POST" && path.endsWith("/refresh")) {
    counters.tokenRequests++;
    req.resume();
    sendJson(res, { AccessToken: jwt() });
    return;
  }
  if (req.method === "POST" && path.endsWith("/token")) {
    counters.tokenRequests++;
    req.resume();
    sendJson(res, {
      access_token: jwt(),
      token_type: "Bearer",
      expires_in: tokenTtlSeconds,
      refresh_token: `rotated-${tokenSerial}`,
      refresh_token_expires_in: 86_400,
    });
    return;
  }
  if (path.endsWith("/isalive")) {
    const service = path.slice(0, -"/isalive".length).split("/").pop() ?? "";
    counters.probes[service] = (counters.probes[service] ?? 0) + 1;
    const id = `${service}-${counters.requests}`;
    res.writeHead(200, {
      "content-type": "text/plain",
      "content-length": "2",
      "set-cookie": [
        `${affinityCookie(service)}=${id}; Path=${SAXO_PREFIX}${service}; Max-Age=3600; HttpOnly`,
        `${EDGE_COOKIE}=${id}; Path=/; Max-Age=3600; HttpOnly`,
      ],
    });
    res.end("OK");
    return;
  }
  if (req.headers.authorization === undefined && req.headers["apca-api-key-id"] === undefined) {
    counters.unauthenticated++;
  }
  if (path.startsWith(SAXO_PREFIX)) {
    const service = path.slice(SAXO_PREFIX.length).split("/")[0] ?? "";
    if (!req.headers.cookie?.includes(`${affinityCookie(service)}=`)) counters.unstickyCalls++;
  }
  // Drain any request body before answering so the connection stays reusable.
  if (req.method === "GET" || req.method === "HEAD") {
    res.writeHead(200, JSON_HEADERS);
    res.end(DOCUMENT);
  } else {
    req.on("end", () => {
      res.writeHead(200, JSON_HEADERS);
      res.end(DOCUMENT);
    });
    req.resume();
  }
}

/** Endpoints for the transport semantics check: redirects, cookies, slow and streamed bodies, an echo. */
function semantics(name: string, req: IncomingMessage, res: ServerResponse): void {
  switch (name) {
    case "redirect-302":
    case "redirect-307":
      req.resume();
      res.writeHead(Number(name.slice(-3)), { location: "/semantics/echo", "content-length": "0" });
      res.end();
      return;
    case "cookies":
      res.writeHead(200, { "set-cookie": ["a=1; Path=/", "b=2; Path=/; HttpOnly"], "content-length": "2" });
      res.end("OK");
      return;
    case "slow": {
      const timer = setTimeout(() => res.end("late"), 2000);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    case "stream": {
      res.writeHead(200, { "content-type": "text/plain" });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`chunk ${++sent}\n`);
        if (sent === 3) {
          clearInterval(timer);
          res.end();
        }
      }, 60);
      res.on("close", () => clearInterval(timer));
      return;
    }
    default: {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on("end", () =>
        sendJson(res, { method: req.method, bytes, contentType: req.headers["content-type"] ?? null }),
      );
    }
  }
}

const server = createServer({ keepAlive: true }, handle);
// Keep idle connections open across the pauses between rounds.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

function reply(message: ServerReply): void {
  process.send?.(message);
}

process.on("message", (message: ServerRequest) => {
  switch (message.command) {
    case "arrivals":
      reply({ type: "reply", id: message.id, arrivals: arrivals.get(message.tag) ?? [] });
      arrivals.delete(message.tag);
      break;
    case "counters":
      reply({ type: "reply", id: message.id, counters });
      break;
    case "reset":
      counters = freshCounters();
      arrivals.clear();
      reply({ type: "reply", id: message.id });
      break;
    case "token-ttl":
      tokenTtlSeconds = message.seconds;
      reply({ type: "reply", id: message.id });
      break;
  }
});
// The parent going away (even by a crash) ends the server.
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  reply({ type: "ready", port: (server.address() as AddressInfo).port });
});
