/**
 * A fault-injecting HTTP proxy for tests: a real node:http server on 127.0.0.1 (OS-chosen port) that
 * forwards each request to an upstream simulator, or, when the test's rule says so, misbehaves the way a
 * hostile network or a broken broker would: connection resets before or in the middle of the answer,
 * truncated bodies, stalls, 5xx and 429 answers, malformed or oversized bodies, redirects to another
 * origin or in a loop, token answers that are already expired.
 *
 * A second server, the "attacker", plays the other origin that cross-origin redirects point at. It records
 * everything it receives (headers, query, body) so a test can prove no credential ever reached it.
 *
 * Everything is bounded: request and upstream bodies, stalls (a stalled socket is destroyed after
 * `stallMs`), the request log, the token set. close() destroys every socket of both servers.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** One misbehaviour, applied to one request. Faults marked "forwards" let the simulator act first. */
export type Fault =
  /** Forward and answer faithfully. */
  | { kind: "pass" }
  /** Forwards (unless `forward: false`), then resets the connection without answering. */
  | { kind: "reset-before-response"; forward?: boolean }
  /** Forwards, sends the headers and half of the body, then resets the connection. */
  | { kind: "reset-mid-body" }
  /**
   * Forwards, answers chunked, sends half of the body and closes without the last chunk. With
   * `announceClose` the answer says `Connection: close` first (Node 20's fetch then takes the cut body
   * for a complete one; undici 7 does not).
   */
  | { kind: "truncated-chunked"; announceClose?: boolean }
  /** Forwards, declares the full Content-Length, sends half of the body and closes. */
  | { kind: "truncated-length" }
  /** Forwards (unless `forward: false`), then never answers. */
  | { kind: "stall-headers"; forward?: boolean }
  /** Forwards, sends the headers (with `contentType` if given) and half of the body, then goes silent. */
  | { kind: "stall-body"; contentType?: string }
  /** Answers `status` with these headers and body; forwards first only with `forward: true`. */
  | { kind: "answer"; status: number; headers?: Record<string, string>; body?: string; forward?: boolean }
  /**
   * Answers `status` with a JSON error whose `message` quotes the whole request back (method, URL and every
   * header, credentials included), as careless servers do: what the client makes of it must not leak them.
   */
  | { kind: "echo"; status: number }
  /** Answers 200 with a JSON body of `bytes` bytes, generated while it is sent (never held in memory). */
  | { kind: "oversized"; bytes: number }
  /** Redirects to the same path and query on the attacker's origin, or to the same URL (a loop). */
  | { kind: "redirect"; status: RedirectStatus; target: "attacker" | "loop" }
  /**
   * Forwards a token request and makes its answer look expired on arrival: a JWT `AccessToken` gets an
   * `exp` in the past (the proxy swaps the real token back in on later requests, as a server whose clock
   * runs behind would accept it), and an OAuth2 answer gets `expires_in: 0`.
   */
  | { kind: "expire-token" };

export type FaultKind = Fault["kind"];

/** What a rule or decider sees of a request. */
export interface ProxiedRequest {
  method: string;
  /** Pathname, without the query. */
  path: string;
  /** `?…` or "". */
  search: string;
  headers: IncomingHttpHeaders;
  /** The body as text ("" when none). */
  body: string;
}

/** Injects `fault` into requests matching `method` and `path` (exact pathname, or a RegExp on it). */
export interface FaultRule {
  method?: string;
  path?: string | RegExp;
  fault: Fault;
  /** Let this many matching requests through untouched first. Default 0. */
  skip?: number;
  /** Inject into at most this many matching requests (after `skip`). Default: every one. */
  times?: number;
}

/** Picks the fault for a request; `undefined` forwards it faithfully. */
export type FaultDecider = (request: ProxiedRequest) => Fault | undefined;

export interface ProxyLogEntry {
  seq: number;
  /** performance.now() when the request arrived at the proxy. */
  at: number;
  method: string;
  path: string;
  fault: FaultKind;
  /** Whether the request reached the upstream (it may have acted on it). */
  forwarded: boolean;
  /** X-REQID / x-request-id header, or the JSON body's client_order_id, when present. */
  idempotencyKey: string | undefined;
}

export interface AttackerRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface AttackerServer {
  url: string;
  /** Every request received, in order (at most `maxLog`). */
  received: AttackerRequest[];
}

export interface FaultProxyOptions {
  /** Origin of the upstream simulator, e.g. `http://127.0.0.1:40123`. */
  upstream: string;
  /** Largest request body accepted (else 413). Default 1 MiB. */
  maxRequestBytes?: number;
  /** Largest upstream answer buffered (else 502). Default 16 MiB. */
  maxUpstreamBytes?: number;
  /** Deadline of one upstream exchange (else 504). Default 10 000 ms. */
  upstreamTimeoutMs?: number;
  /** A stalled connection is destroyed after this long. Default 30 000 ms. */
  stallMs?: number;
  /** Most log entries (and attacker records) kept; later ones are counted in `dropped`. Default 100 000. */
  maxLog?: number;
  rules?: FaultRule[];
  decide?: FaultDecider;
}

export interface FaultProxyStats {
  /** Requests received, whatever happened to them. */
  requests: number;
  /** Requests forwarded to the upstream. */
  forwarded: number;
  /** Faults injected, by kind ("pass" excluded). */
  injected: Partial<Record<FaultKind, number>>;
  /** Bytes of oversized bodies handed to sockets (the client stops them by closing). */
  oversizedBytesSent: number;
  /** Log entries and attacker records not kept because `maxLog` was reached. */
  dropped: number;
}

export interface FaultProxy {
  /** Origin of the proxy, e.g. `http://127.0.0.1:40124`; paths are passed through unchanged. */
  url: string;
  attacker: AttackerServer;
  /** Every request the proxy received, in arrival order (at most `maxLog`). */
  log: ProxyLogEntry[];
  stats: FaultProxyStats;
  /**
   * Token values seen in upstream answers (`AccessToken`, `access_token`, `refresh_token`, …) and the
   * expired stand-ins the proxy made: secrets a test must never find in errors or events.
   */
  tokens: Set<string>;
  /** Replaces the rules (each keeps its own count of matches). */
  setRules(rules: FaultRule[]): void;
  /** Sets the decider consulted when no rule matches. */
  setDecider(decide: FaultDecider | undefined): void;
  /** Log entries of requests that reached the upstream and match `method` and `path`. */
  forwarded(match: { method?: string; path?: string | RegExp }): ProxyLogEntry[];
  close(): Promise<void>;
}

const PASS: Fault = { kind: "pass" };
const MAX_TOKENS = 10_000;
/** Response headers that describe one hop, not the answer. */
const HOP_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
]);
const TOKEN_FIELDS = /^(access_?token|refresh_?token|id_token)$/i;

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface CountedRule {
  rule: FaultRule;
  seen: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const maxUpstreamBytes = options.maxUpstreamBytes ?? 16 * 1024 * 1024;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 10_000;
  const stallMs = options.stallMs ?? 30_000;
  const maxLog = options.maxLog ?? 100_000;

  let rules: CountedRule[] = (options.rules ?? []).map((rule) => ({ rule, seen: 0 }));
  let decide = options.decide;
  let closing = false;
  const log: ProxyLogEntry[] = [];
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, injected: {}, oversizedBytesSent: 0, dropped: 0 };
  const tokens = new Set<string>();
  /** Expired stand-in → the real token, for the expire-token fault. */
  const standIns = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const attackerReceived: AttackerRequest[] = [];
  const attacker = await listen((req, res) => {
    readBody(req, maxRequestBytes).then(
      (body) => {
        if (attackerReceived.length < maxLog) {
          attackerReceived.push({
            method: req.method ?? "GET",
            url: req.url ?? "/",
            headers: req.headers,
            body: body.toString("utf8"),
          });
        } else stats.dropped++;
        answer(res, 404, { "content-type": "application/json" }, '{"message":"nothing here"}');
      },
      () => res.destroy(),
    );
  });

  const proxy = await listen((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.socket?.destroyed) answer(res, 502, {}, "fault proxy: upstream failed");
      else res.socket?.destroy();
    });
  });

  function later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  function pick(request: ProxiedRequest): Fault {
    for (const counted of rules) {
      const { rule } = counted;
      if (rule.method && rule.method.toUpperCase() !== request.method) continue;
      if (rule.path !== undefined && !pathMatches(rule.path, request.path)) continue;
      counted.seen++;
      const skip = rule.skip ?? 0;
      if (counted.seen <= skip) return PASS;
      if (rule.times !== undefined && counted.seen > skip + rule.times) continue;
      return rule.fault;
    }
    return decide?.(request) ?? PASS;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, maxRequestBytes);
    } catch {
      answer(res, 413, {}, "fault proxy: request body too large");
      return;
    }
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    const request: ProxiedRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      search: url.search,
      headers: req.headers,
      body: body.toString("utf8"),
    };
    stats.requests++;
    const fault = pick(request);
    if (fault.kind !== "pass") stats.injected[fault.kind] = (stats.injected[fault.kind] ?? 0) + 1;
    const entry: ProxyLogEntry = {
      seq: stats.requests,
      at: performance.now(),
      method: request.method,
      path: request.path,
      fault: fault.kind,
      forwarded: false,
      idempotencyKey: idempotencyKeyOf(request),
    };
    if (log.length < maxLog) log.push(entry);
    else stats.dropped++;
    const send = async () => {
      entry.forwarded = true;
      stats.forwarded++;
      return forward(request, body);
    };
    const socket = req.socket;

    switch (fault.kind) {
      case "pass": {
        const up = await send();
        answer(res, up.status, endToEndHeaders(up.headers), up.body);
        return;
      }
      case "reset-before-response":
        if (fault.forward !== false) await send();
        reset(socket);
        return;
      case "reset-mid-body": {
        const up = await send();
        writeHead(socket, up.status, endToEndHeaders(up.headers), { length: declaredLength(up.body) });
        socket.write(firstHalf(up.body), () => later(25, () => reset(socket)));
        return;
      }
      case "truncated-chunked": {
        const up = await send();
        writeHead(socket, up.status, endToEndHeaders(up.headers), "chunked", fault.announceClose === true);
        // The chunk announces the whole body; half of it arrives, and no terminating chunk ever does.
        socket.write(`${declaredLength(up.body).toString(16)}\r\n`);
        socket.end(firstHalf(up.body));
        return;
      }
      case "truncated-length": {
        const up = await send();
        writeHead(socket, up.status, endToEndHeaders(up.headers), { length: declaredLength(up.body) });
        socket.end(firstHalf(up.body));
        return;
      }
      case "stall-headers":
        if (fault.forward !== false) await send();
        stall(socket);
        return;
      case "stall-body": {
        const up = await send();
        const headers = endToEndHeaders(up.headers);
        if (fault.contentType) headers["content-type"] = fault.contentType;
        writeHead(socket, up.status, headers, { length: declaredLength(up.body) });
        socket.write(firstHalf(up.body));
        stall(socket);
        return;
      }
      case "answer":
        if (fault.forward) await send();
        answer(res, fault.status, fault.headers ?? {}, fault.body ?? "");
        return;
      case "echo": {
        const quoted = `${request.method} ${request.path}${request.search} with headers ${JSON.stringify(request.headers)}`;
        const message = `The request was rejected. It was: ${quoted}`;
        answer(res, fault.status, { "content-type": "application/json" }, JSON.stringify({ message }));
        return;
      }
      case "oversized":
        writeHead(socket, 200, { "content-type": "application/json" }, { length: fault.bytes });
        await streamPaddedJson(socket, fault.bytes);
        return;
      case "redirect": {
        const origin = fault.target === "attacker" ? attacker.url : proxy.url;
        answer(res, fault.status, { location: `${origin}${request.path}${request.search}` }, "");
        return;
      }
      case "expire-token": {
        const up = await send();
        const expired = expireTokenAnswer(up.body);
        answer(res, up.status, endToEndHeaders(up.headers), expired ?? up.body);
        return;
      }
    }
  }

  function forward(request: ProxiedRequest, body: Buffer): Promise<Upstream> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || HOP_HEADERS.has(name) || name === "host" || name === "expect") continue;
      headers[name] = value;
    }
    const authorization = request.headers.authorization;
    const standIn = authorization?.startsWith("Bearer ") ? standIns.get(authorization.slice(7)) : undefined;
    if (standIn) headers.authorization = `Bearer ${standIn}`;
    if (body.length > 0) headers["content-length"] = String(body.length);
    return new Promise<Upstream>((resolve, reject) => {
      const outgoing = httpRequest(
        new URL(request.path + request.search, upstream),
        { method: request.method, headers, agent, timeout: upstreamTimeoutMs },
        (incoming) => {
          readBody(incoming, maxUpstreamBytes).then((answerBody) => {
            rememberTokens(incoming.headers, answerBody);
            resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: answerBody });
          }, reject);
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error("fault proxy: upstream timed out")));
      outgoing.on("error", reject);
      outgoing.end(body.length > 0 ? body : undefined);
    });
  }

  function rememberToken(value: unknown): void {
    if (typeof value === "string" && value.length > 0 && tokens.size < MAX_TOKENS) tokens.add(value);
  }

  function rememberTokens(headers: IncomingHttpHeaders, body: Buffer): void {
    if (!/json/i.test(String(headers["content-type"] ?? "")) || body.length > 64 * 1024) return;
    const answer = parseJsonObject(body);
    if (!answer) return;
    for (const [name, value] of Object.entries(answer)) if (TOKEN_FIELDS.test(name)) rememberToken(value);
  }

  /** The answer with its token made to look expired, or undefined when it carries none. */
  function expireTokenAnswer(body: Buffer): string | undefined {
    const answer = parseJsonObject(body);
    if (!answer) return undefined;
    for (const [name, value] of Object.entries(answer)) {
      if (!/^access_?token$/i.test(name) || typeof value !== "string") continue;
      if (typeof answer.expires_in === "number" || typeof answer.expires_in === "string") {
        return JSON.stringify({ ...answer, expires_in: 0 });
      }
      const standIn = expiredJwt(value);
      if (!standIn) return undefined;
      standIns.set(standIn, value);
      rememberToken(standIn);
      return JSON.stringify({ ...answer, [name]: standIn });
    }
    return undefined;
  }

  function stall(socket: Socket): void {
    later(stallMs, () => socket.destroy());
  }

  /** `{"pad":"aaaa…"}` of exactly `bytes` bytes, one 64 KiB piece at a time, stopping when the client goes. */
  async function streamPaddedJson(socket: Socket, bytes: number): Promise<void> {
    const prefix = Buffer.from('{"pad":"');
    const suffix = Buffer.from('"}');
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let left = Math.max(0, bytes - prefix.length - suffix.length);
    if (!(await write(socket, prefix))) return;
    while (left > 0) {
      const next = left >= piece.length ? piece : piece.subarray(0, left);
      if (!(await write(socket, next))) return;
      left -= next.length;
    }
    if (await write(socket, suffix)) socket.end();
  }

  /** Writes with backpressure; false once the socket is gone (or the proxy is closing). */
  function write(socket: Socket, data: Buffer): Promise<boolean> {
    if (closing || socket.destroyed) return Promise.resolve(false);
    stats.oversizedBytesSent += data.length;
    if (socket.write(data)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (open: boolean) => () => {
        socket.off("drain", onDrain);
        socket.off("close", onClose);
        resolve(open && !closing);
      };
      const onDrain = done(true);
      const onClose = done(false);
      socket.on("drain", onDrain);
      socket.on("close", onClose);
    });
  }

  return {
    url: proxy.url,
    attacker: { url: attacker.url, received: attackerReceived },
    log,
    stats,
    tokens,
    setRules(next) {
      rules = next.map((rule) => ({ rule, seen: 0 }));
    },
    setDecider(next) {
      decide = next;
    },
    forwarded(match) {
      return log.filter(
        (entry) =>
          entry.forwarded &&
          (!match.method || match.method.toUpperCase() === entry.method) &&
          (match.path === undefined || pathMatches(match.path, entry.path)),
      );
    },
    async close() {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      agent.destroy();
      await Promise.all([proxy.close(), attacker.close()]);
    },
  };
}

interface Listening {
  url: string;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1:0 whose close() destroys every socket it ever accepted. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 2_000;
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A reset or destroyed client socket must not crash the test process.
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === "string" ? pattern === path : pattern.test(path);
}

function readBody(stream: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        reject(new Error(`fault proxy: body over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
    stream.on("aborted", () => reject(new Error("fault proxy: body aborted")));
  });
}

function answer(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
): void {
  if (res.socket?.destroyed) return;
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "content-length": String(payload.length) });
  res.end(payload);
}

function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * Status line and headers written straight to the socket, so the framing can lie. The proxy closes the
 * connection afterwards, and says so unless `announceClose` is false.
 */
function writeHead(
  socket: Socket,
  status: number,
  headers: Record<string, string | string[]>,
  framing: { length: number } | "chunked",
  announceClose = true,
): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Status"}`];
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  if (announceClose) lines.push("connection: close");
  lines.push(framing === "chunked" ? "transfer-encoding: chunked" : `content-length: ${framing.length}`);
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
}

/** A body to cut: the real one, or 64 announced bytes when the upstream sent none. */
function declaredLength(body: Buffer): number {
  return body.length > 0 ? body.length : 64;
}

function firstHalf(body: Buffer): Buffer {
  return body.subarray(0, Math.floor(body.length / 2));
}

function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The JWT with `exp` an hour in the past and a signature nobody made; undefined when it is no JWT. */
function expiredJwt(token: string): string | undefined {
  const [header, payload] = token.split(".");
  if (!header || !payload) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const expired = { ...claims, exp: Math.floor(Date.now() / 1000) - 3600 };
  const signature = Buffer.from(`expired-on-arrival-${Math.random()}`).toString("base64url");
  return `${header}.${Buffer.from(JSON.stringify(expired)).toString("base64url")}.${signature}`;
}

function idempotencyKeyOf(request: ProxiedRequest): string | undefined {
  const header = request.headers["x-reqid"] ?? request.headers["x-request-id"];
  if (typeof header === "string") return header;
  if (!request.body.startsWith("{")) return undefined;
  try {
    const id = (JSON.parse(request.body) as { client_order_id?: unknown }).client_order_id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** mulberry32: a small seeded generator in [0, 1), so a random fault schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomFaultsOptions {
  seed: number;
  /** Share of the eligible requests that get a fault, in [0, 1]. */
  probability: number;
  /** The faults to choose from, with relative weights (default 1). */
  faults: readonly { fault: Fault; weight?: number; applies?: (request: ProxiedRequest) => boolean }[];
  /** Which requests may get a fault at all. Default: every one. */
  eligible?: (request: ProxiedRequest) => boolean;
}

/** A decider that injects faults at random, replayably (same seed and arrival order, same schedule). */
export function randomFaults(options: RandomFaultsOptions): FaultDecider {
  const random = seededRandom(options.seed);
  return (request) => {
    if (options.eligible && !options.eligible(request)) return undefined;
    const roll = random();
    const pickRoll = random();
    if (roll >= options.probability) return undefined;
    const candidates = options.faults.filter((entry) => !entry.applies || entry.applies(request));
    const total = candidates.reduce((sum, entry) => sum + (entry.weight ?? 1), 0);
    let point = pickRoll * total;
    for (const entry of candidates) {
      point -= entry.weight ?? 1;
      if (point < 0) return entry.fault;
    }
    return undefined;
  };
}
