/**
 * A tiny harness for simulators: a node:http server bound to 127.0.0.1 on an OS-chosen port,
 * which records every arrival (server-side timestamp, method, path, headers) for tests to read.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { applyCors, type CorsOptions } from "./cors.js";

export interface Arrival {
  /** performance.now() at arrival, in ms, on the server's clock. */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
}

export interface SimRequest {
  /** performance.now() at arrival, on the server's clock (the same as the arrival record's). */
  at: number;
  method: string;
  url: URL;
  path: string;
  headers: IncomingMessage["headers"];
  /** Raw body text ("" when none). */
  body: string;
  /** Parsed JSON body, or undefined when absent or not JSON. */
  json: unknown;
  raw: IncomingMessage;
}

export type SimHandler = (req: SimRequest, res: ServerResponse) => void | Promise<void>;

export interface RunningServer {
  url: string;
  port: number;
  arrivals: Arrival[];
  server: Server;
  close(): Promise<void>;
}

export async function startServer(handler: SimHandler): Promise<RunningServer> {
  const arrivals: Arrival[] = [];
  const server = createServer((raw, res) => {
    if (answeredByCors.has(raw)) return;
    const at = performance.now();
    const url = new URL(raw.url ?? "/", "http://127.0.0.1");
    arrivals.push({
      at,
      method: raw.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: raw.headers,
    });
    const chunks: Buffer[] = [];
    raw.on("data", (chunk: Buffer) => chunks.push(chunk));
    raw.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      if (body) {
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
      }
      const req: SimRequest = {
        at,
        method: raw.method ?? "GET",
        url,
        path: url.pathname,
        headers: raw.headers,
        body,
        json,
        raw,
      };
      Promise.resolve(handler(req, res)).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { message: `simulator error: ${String(error)}` });
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrivals,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Requests (preflights) that the CORS listener answered: the simulator's handler never sees them. */
const answeredByCors = new WeakSet<IncomingMessage>();

/** Opt-in CORS (cors.ts): runs before the simulator's handler on every request. */
export function enableCors(running: RunningServer, options: CorsOptions): void {
  running.server.prependListener("request", (raw: IncomingMessage, res: ServerResponse) => {
    if (applyCors(raw, res, options)) answeredByCors.add(raw);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** Drops the connection without answering: the client cannot know whether the request took effect. */
export function dropConnection(res: ServerResponse): void {
  res.socket?.destroy();
}

/** The most arrivals in any half-open window [t, t + windowMs) over the given timestamps. */
export function maxInWindow(timestamps: readonly number[], windowMs: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
