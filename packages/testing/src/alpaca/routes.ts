/**
 * The shape of one simulator route: which API it belongs to (for auth), whether anonymous callers may use
 * it, and either a handler that returns a reply (so it can be dropped after the action) or a streaming
 * handler that writes Server-Sent Events itself.
 */
import type { ServerResponse } from "node:http";
import type { SimRequest } from "../server.js";
import type { ApiName, Caller } from "./auth.js";
import type { Reply } from "./reply.js";
import type { RouteDefinition } from "./router.js";

export interface RouteContext {
  req: SimRequest;
  params: Record<string, string>;
  query: URLSearchParams;
  caller: Caller;
}

interface RouteBase extends RouteDefinition {
  api: ApiName;
  /** Callers without credentials are served (Alpaca's crypto data). */
  anonymous?: boolean;
}

export interface JsonRoute extends RouteBase {
  handle: (context: RouteContext) => Reply;
  stream?: undefined;
}

export interface StreamRoute extends RouteBase {
  /** Writes the whole response; `headers` are the rate-limit headers to include. */
  stream: (context: RouteContext, res: ServerResponse, headers: Record<string, string>) => void;
  handle?: undefined;
}

export type SimRoute = JsonRoute | StreamRoute;
