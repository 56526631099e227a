/**
 * The streaming bench's feed, in its own process (forked by feed.ts): an ALOR-protocol `/ws` server on
 * 127.0.0.1 and its `/refresh` token endpoint. The parent sets the next feed over IPC (`{ count, rate }`);
 * every subscription is confirmed as ALOR does, and the next one (or the next `subscriptions`, round-robin)
 * then receives `count` quote messages, as fast as the socket drains (`rate: 0`) or paced at `rate` per second. Each quote carries `sentAt`, the send
 * time in ms on the shared clock (timeOrigin + now), for latency.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { quote } from "./quote.js";

interface Feed {
  count: number;
  rate: number;
  /** How many subscriptions share the feed (default 1): it starts once they all are made, round-robin. */
  subscriptions?: number;
}

let next: Feed = { count: 0, rate: 0 };
/** The guids of the next feed's subscriptions made so far. */
let waiting: string[] = [];
const jwt = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.x`;

const http = createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(req.url?.startsWith("/refresh") ? JSON.stringify({ AccessToken: jwt }) : "{}");
});
const wss = new WebSocketServer({ server: http, path: "/ws" });

/**
 * A burst's frames, framed in advance into large chunks: serialising and framing each quote while
 * sending capped the feed below what the readers can take, so the burst measured the feed, not them.
 */
function framedBurst(guids: readonly string[], count: number): Buffer[] {
  const chunks: Buffer[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; i < count; i++) {
    const payload = Buffer.from(quote(guids[i % guids.length] as string, i));
    parts.push(frameHeader(payload.length), payload);
    size += payload.length + 4;
    if (size >= 256 * 1024) {
      chunks.push(Buffer.concat(parts));
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) chunks.push(Buffer.concat(parts));
  return chunks;
}

/** An unmasked, final text frame's header (server to client), for payloads under 64 KiB. */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  return Buffer.from([0x81, 126, length >> 8, length & 0xff]);
}

async function send(socket: WebSocket, guids: readonly string[], feed: Feed): Promise<void> {
  if (feed.rate === 0) {
    const chunks = framedBurst(guids, feed.count);
    // Straight onto the TCP socket (ws's own send would frame each message again); waits for drain.
    const raw = (socket as unknown as { _socket: Socket })._socket;
    for (const chunk of chunks) {
      if (!raw.write(chunk)) await new Promise((resolve) => raw.once("drain", resolve));
    }
    return;
  }
  const started = performance.now();
  for (let i = 0; i < feed.count; ) {
    const due = Math.floor(((performance.now() - started) * feed.rate) / 1000);
    for (; i < Math.min(due, feed.count); i++) socket.send(quote(guids[i % guids.length] as string, i));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

wss.on("connection", (socket) => {
  socket.on("message", (raw) => {
    const request = JSON.parse(String(raw)) as { opcode: string; guid: string };
    socket.send(JSON.stringify({ requestGuid: request.guid, httpCode: 200, message: "Handled successfully" }));
    if (request.opcode === "unsubscribe" || next.count === 0) return;
    waiting.push(request.guid);
    const feed = next;
    if (waiting.length < (feed.subscriptions ?? 1)) return;
    const guids = waiting;
    waiting = [];
    next = { count: 0, rate: 0 };
    void send(socket, guids, feed);
  });
});

process.on("message", (message: Feed) => {
  next = message;
  waiting = [];
  process.send?.({ type: "set" });
});

http.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (http.address() as AddressInfo).port });
});
