/**
 * The streaming host's two steps, recorded so tests can check what a client presents:
 *  - connect: `GET …/ws/connect?contextId=…` with the token as `Authorization: Bearer …` or as the query
 *    parameter `authorization=BEARER …`. A WebSocket upgrade gets a real 101 handshake (frames are
 *    ignored, except that a Close is answered); a plain HTTP GET gets 200 with a small JSON body, so
 *    `fetch` can exercise it.
 *  - re-authorise: `PUT …/ws/authorize?contextid=…` with the new token in the Authorization header → 202.
 * Both need the streaming service's load-balancer cookies, like any other service.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { parseCookieHeader } from "./cookies.js";
import type { SaxoCounters } from "./counters.js";
import type { LoadBalancer } from "./load-balancer.js";
import type { Authentication, OAuthServer } from "./oauth.js";
import { invalidModel, type Reply, saxoError } from "./reply.js";
import { answerCloseFrames } from "./websocket-close.js";

export interface StreamingArrival {
  kind: "connect" | "authorize";
  /** `websocket` for an Upgrade request, `http` for a plain request. */
  transport: "http" | "websocket";
  /** performance.now() at arrival. */
  at: number;
  contextId: string | undefined;
  /** Cookies presented, by name (test data: may hold secrets). */
  cookies: Record<string, string>;
  /** Where the token came from. */
  authorizationSource: "header" | "query" | "none";
  /** The access token presented (test data: a secret; never log it). */
  accessToken: string | undefined;
  /** Whether the cookies pinned the request to a streaming server. */
  sticky: boolean;
  /** The status answered. */
  status: number;
}

const CONTEXT_ID = /^[A-Za-z0-9-]{1,50}$/;
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export class StreamingHost {
  readonly arrivals: StreamingArrival[] = [];
  private readonly connectedContexts = new Set<string>();
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly basePath: string,
    private readonly oauth: OAuthServer,
    private readonly loadBalancer: LoadBalancer,
    private readonly lostSessionStatus: number,
    private readonly counters: SaxoCounters,
  ) {}

  /** Plain HTTP requests under the streaming base path. */
  handle(method: string, url: URL, headers: IncomingMessage["headers"]): Reply {
    const path = url.pathname.slice(this.basePath.length);
    if (path === "/ws/connect" && method === "GET") return this.step("connect", "http", url, headers);
    if (path === "/ws/authorize" && method === "PUT") return this.step("authorize", "http", url, headers);
    return saxoError(404, "NotFound", `No streaming resource ${method} ${url.pathname}`);
  }

  /** A WebSocket upgrade: answer the handshake when the connect step passes, otherwise its status. */
  upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    socket.on("error", () => socket.destroy());
    if (url.pathname !== `${this.basePath}/ws/connect`) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const reply = this.step("connect", "websocket", url, req.headers);
    const key = req.headers["sec-websocket-key"];
    if (reply.status !== 200 || typeof key !== "string") {
      const status = reply.status === 200 ? 400 : reply.status;
      socket.end(`HTTP/1.1 ${status} Rejected\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const accept = createHash("sha1").update(`${key}${WEBSOCKET_GUID}`).digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.sockets.add(socket);
    // Frames are not interpreted (the simulator only checks the hand-off), except the closing handshake.
    answerCloseFrames(socket);
    socket.on("close", () => this.sockets.delete(socket));
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private step(
    kind: StreamingArrival["kind"],
    transport: StreamingArrival["transport"],
    url: URL,
    headers: IncomingMessage["headers"],
  ): Reply {
    const contextId = queryIgnoringCase(url, "contextid");
    const cookies = parseCookieHeader(headers.cookie);
    const header = typeof headers.authorization === "string" ? headers.authorization : undefined;
    const fromQuery = kind === "connect" ? (queryIgnoringCase(url, "authorization") ?? undefined) : undefined;
    const authorizationSource = header ? "header" : fromQuery ? "query" : "none";
    const credential = header ?? fromQuery;
    const accessToken = /^bearer\s+(\S+)$/i.exec(credential?.trim() ?? "")?.[1];
    const routing = this.loadBalancer.route("streaming", cookies);
    const reply = this.decide(kind, contextId, credential, routing.sticky);
    this.arrivals.push({
      kind,
      transport,
      at: performance.now(),
      contextId,
      cookies,
      authorizationSource,
      accessToken,
      sticky: routing.sticky,
      status: reply.status,
    });
    return reply;
  }

  private decide(
    kind: StreamingArrival["kind"],
    contextId: string | undefined,
    credential: string | undefined,
    sticky: boolean,
  ): Reply {
    if (!contextId || !CONTEXT_ID.test(contextId)) {
      return invalidModel({ contextId: ["contextId is required: 1-50 letters, digits or '-'"] });
    }
    const auth: Authentication = this.oauth.authenticate(credential);
    if (!auth.ok) return auth.reply;
    if (!sticky) {
      this.counters.wrongBackend++;
      return saxoError(
        this.lostSessionStatus,
        "SessionNotAvailable",
        "This streaming server does not hold the session; call GET /streaming/isalive once and send back every cookie it returns",
      );
    }
    if (kind === "connect") {
      this.connectedContexts.add(contextId);
      return { status: 200, body: { ContextId: contextId, Message: "Accepted; a WebSocket client is upgraded here" } };
    }
    if (!this.connectedContexts.has(contextId)) {
      return saxoError(404, "ContextNotFound", `No streaming connection with contextId ${contextId}`);
    }
    return { status: 202 };
  }
}

function queryIgnoringCase(url: URL, name: string): string | undefined {
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === name) return value;
  return undefined;
}
