/**
 * Test helper: a real node:http server on 127.0.0.1 (OS-chosen port) that records each arrival
 * with its server-side time, headers and body. Tests stop it themselves.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const arrival: Arrival = {
        at,
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      arrivals.push(arrival);
      Promise.resolve(handler(arrival, res)).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { message: String(error) });
        else res.destroy();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

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
