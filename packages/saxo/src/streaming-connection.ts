/**
 * Hand-written (not generated): what `createStreamingConnection` (streaming.ts) does, loaded by its
 * first call.
 *
 * Saxo's streaming connection lives on another host (`…/streaming/ws/connect?contextId=…`), authorised
 * with the bearer token (header, or `authorization=BEARER …` in the query) and pinned by the same
 * load-balancer cookies as REST. So the client's sticky layer probes the streaming service first (once;
 * its isalive answer lands in the client's cookie jar), and the Cookie header comes from that same jar.
 * While the connection lives, `keepStreamingAuthorized` re-authorises it after every token refresh.
 */
import { ConfigError } from "@brokerkit/middleware";
import type { SaxoClient } from "./generated/index.js";
import type { StreamingConnection, StreamingConnectionOptions } from "./streaming.js";
import { keepStreamingAuthorized, type StreamingAuthorizer } from "./streaming-reauthorize.js";

const CONTEXT_ID = /^[A-Za-z0-9-]{1,50}$/;

/** See `createStreamingConnection`. */
export async function openStreamingConnection(
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
