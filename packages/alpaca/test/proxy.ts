/**
 * A real HTTP proxy in front of the simulator, for failures the simulator cannot stage itself: a request
 * lost before it reached Alpaca (connection cut after the request was sent), or a gateway error. Each request
 * is passed to `decide`, which forwards it (the default), cuts it, or answers in place of the simulator.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type ProxyDecision = "forward" | "cut" | { status: number; body: unknown };

export interface RunningProxy {
  url: string;
  /** `METHOD path` of every request the proxy received, in order. */
  seen: string[];
  close(): Promise<void>;
}

const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

export async function startProxy(
  target: string,
  decide: (method: string, path: string) => ProxyDecision = () => "forward",
): Promise<RunningProxy> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://proxy");
      seen.push(`${req.method} ${url.pathname}`);
      const decision = decide(req.method ?? "GET", url.pathname);
      if (decision === "cut") {
        req.socket.destroy();
        return;
      }
      if (decision !== "forward") {
        res.writeHead(decision.status, { "content-type": "application/json" });
        res.end(JSON.stringify(decision.body));
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        // Framing headers describe this hop: fetch frames the forwarded body itself (and refuses them).
        if (typeof value === "string" && !HOP_HEADERS.has(name)) headers.set(name, value);
      }
      const answer = await fetch(target + (req.url ?? "/"), {
        method: req.method ?? "GET",
        headers,
        ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
      });
      const text = await answer.text();
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") out[name] = value;
      });
      res.writeHead(answer.status, out);
      res.end(text);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
