/**
 * Test helper: the shared simulator harness (packages/testing/src/server.ts: a real node:http server
 * on 127.0.0.1, OS-chosen port), with each arrival recorded once its body has been read.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { sendJson, startServer } from "../../../testing/src/server.js";
import { toFetch } from "../../src/compose.js";
import type { CallContext, Handler } from "../../src/types.js";

export interface Arrival {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type LocalHandler = (arrival: Arrival, res: ServerResponse) => unknown;

export interface LocalServer {
  url: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

export async function startLocalServer(handler: LocalHandler): Promise<LocalServer> {
  const arrivals: Arrival[] = [];
  const running = await startServer((req, res) => {
    const arrival: Arrival = {
      at: req.at,
      method: req.method,
      path: req.path,
      query: req.url.searchParams,
      headers: req.headers,
      body: req.body,
    };
    arrivals.push(arrival);
    return handler(arrival, res) as void | Promise<void>;
  });
  return { url: running.url, arrivals, close: running.close };
}

export const json = sendJson;

/** An unsigned JWT-shaped token with the given claims (the client only reads `exp`). */
export function jwtWith(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ jti: crypto.randomUUID(), ...claims })}.c2ln`;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `toFetch`, callable with a URL string like the global fetch. */
export function clientOf(handler: Handler, seed?: (request: Request) => Partial<CallContext>) {
  const fetchLike = toFetch(handler, seed);
  return (url: string, init?: RequestInit) => fetchLike(new Request(url, init));
}
