/**
 * Hand-written (not generated): the hand-off from the REST client to a Saxo streaming WebSocket.
 *
 * Saxo's streaming connection lives on another host (`…/streaming/ws/connect?contextId=…`), authorised
 * with the bearer token (header, or `authorization=BEARER …` in the query) and pinned by the same
 * load-balancer cookies as REST. So the client's sticky layer probes the streaming service first (once;
 * its isalive answer lands in the client's cookie jar), and the Cookie header comes from that same jar.
 * While the connection lives, `keepStreamingAuthorized` re-authorises it after every token refresh.
 */
import { ConfigError } from "@brokerkit/middleware";
import type { SaxoClient } from "./generated/index.js";
import { keepStreamingAuthorized, type StreamingAuthorizer } from "./streaming-reauthorize.js";

export interface StreamingConnectionOptions {
  /** Id of this streaming connection: 1–50 letters, digits or '-'. Default: a random UUID. */
  contextId?: string;
  /** Called when an automatic re-authorisation fails. Default: a warning on the console (no secrets). */
  onError?(error: Error): void;
  /** Called after each successful re-authorisation. */
  onReauthorized?(): void;
  /** Longest time between two token checks. Default 60 s. */
  maxCheckIntervalMs?: number;
}

export interface StreamingConnection {
  readonly contextId: string;
  /** `wss://…/ws/connect?contextId=…` (`ws://` when the streaming server is plain http). Holds no token. */
  readonly url: string;
  /** `Bearer <token>`, the Authorization header of the connect request. A secret: never log it. */
  readonly authorization: string;
  /** `url` plus `authorization=BEARER <token>`, for clients that cannot set headers (browsers). A secret. */
  readonly urlWithAuthorization: string;
  /** The Cookie header of the connect request, from the REST client's own jar. */
  readonly cookie: string;
  /** `Authorization` and `Cookie`, ready for a WebSocket client that takes headers (e.g. `ws`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Re-authorises the connection now with the current token (refreshing it first if it is stale). */
  reauthorize(): Promise<void>;
  /** Stops the automatic re-authorisation. It does not close your WebSocket. */
  close(): void;
}

const CONTEXT_ID = /^[A-Za-z0-9-]{1,50}$/;

/**
 * Everything a WebSocket client needs to open Saxo's streaming connection, and a re-authoriser that
 * keeps it authorised across token refreshes until `close()`.
 */
export async function createStreamingConnection(
  client: SaxoClient,
  options: StreamingConnectionOptions = {},
): Promise<StreamingConnection> {
  const contextId = options.contextId ?? globalThis.crypto.randomUUID();
  if (!CONTEXT_ID.test(contextId)) {
    throw new ConfigError("createStreamingConnection: options.contextId must be 1–50 letters, digits or '-'");
  }
  const { runtime } = client;
  const streamingBase = runtime.servers.streaming;
  if (streamingBase === undefined) {
    throw new ConfigError(`createStreamingConnection: environment "${runtime.environment}" has no streaming server`);
  }

  // The sticky layer runs the streaming service's one isalive probe (unless it already has), and
  // every Set-Cookie of its answer lands in the jar the connect request must present. A failed probe
  // rejects with the sticky layer's HttpError or NetworkError.
  await runtime.ensureSticky(`${runtime.baseUrl}/streaming/isalive`);

  const connectHttpUrl = `${streamingBase}/ws/connect?contextId=${encodeURIComponent(contextId)}`;
  const cookie = await runtime.cookieHeaderFor(connectHttpUrl);
  const headers = new Headers();
  await runtime.credentials.apply(headers);
  const authorization = headers.get("authorization");
  if (!authorization?.startsWith("Bearer ")) {
    throw new ConfigError("createStreamingConnection: the client's credentials give no bearer token");
  }
  const token = authorization.slice("Bearer ".length);
  const url = toWebSocketUrl(connectHttpUrl);

  const authorizer: StreamingAuthorizer = keepStreamingAuthorized({
    runtime,
    authorizeUrl: `${streamingBase}/ws/authorize?contextid=${encodeURIComponent(contextId)}`,
    authorizedToken: token,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onReauthorized ? { onReauthorized: options.onReauthorized } : {}),
    ...(options.maxCheckIntervalMs !== undefined ? { maxCheckIntervalMs: options.maxCheckIntervalMs } : {}),
  });

  return {
    contextId,
    url,
    authorization,
    urlWithAuthorization: `${url}&authorization=${encodeURIComponent(`BEARER ${token}`)}`,
    cookie,
    headers: { Authorization: authorization, ...(cookie ? { Cookie: cookie } : {}) },
    reauthorize: () => authorizer.reauthorize(),
    close: () => authorizer.close(),
  };
}

function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):/i, (_whole, secure: string) => `ws${secure}:`);
}
