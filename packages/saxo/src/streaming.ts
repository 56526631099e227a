/**
 * Hand-written (not generated): the hand-off from the REST client to a Saxo streaming WebSocket.
 *
 * The work (the sticky probe of the streaming service, the cookie and token of the connect request, the
 * re-authoriser) is in streaming-connection.ts, imported by the first call: a REST-only program never
 * loads it, and a bundler with code splitting puts it in a chunk of its own.
 */
import type { SaxoClient } from "./generated/index.js";

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

/**
 * Everything a WebSocket client needs to open Saxo's streaming connection, and a re-authoriser that
 * keeps it authorised across token refreshes until `close()`.
 */
export async function createStreamingConnection(
  client: SaxoClient,
  options: StreamingConnectionOptions = {},
): Promise<StreamingConnection> {
  const { openStreamingConnection } = await import("./streaming-connection.js");
  return openStreamingConnection(client, options);
}
