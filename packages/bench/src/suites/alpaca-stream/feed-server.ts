/**
 * The Alpaca streaming bench's feed, in its own process (forked through ../stream/feed.ts): Alpaca's
 * market data protocol on 127.0.0.1, MessagePack only (the SDK's market data stream speaks nothing else):
 * `[{T:"success",msg:"connected"}]` on connect, `authenticated` after `auth`, the whole subscription after
 * `subscribe`. The parent sets the next feed over IPC (`{ count, rate, perFrame }`); the next quote
 * subscription then receives `count` quotes, `perFrame` to a frame (an array, as Alpaca batches them),
 * as fast as the socket drains (`rate: 0`, framed in advance) or paced at `rate` quotes per second.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { decode, encode } from "@msgpack/msgpack";
import { type WebSocket, WebSocketServer } from "ws";
import { quote } from "./quote.js";

interface Feed {
  count: number;
  rate: number;
  perFrame?: number;
}

let next: Feed = { count: 0, rate: 0 };

const http = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http });

/** Frame `i`'s payload: quotes i·perFrame … up to `count`, as one MessagePack array. */
function payload(first: number, feed: Feed): Uint8Array {
  const messages = [];
  for (let i = first; i < Math.min(first + (feed.perFrame ?? 1), feed.count); i++) messages.push(quote(i));
  return encode(messages);
}

/** An unmasked, final binary frame's header (server to client), for payloads under 64 KiB. */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x82, length]);
  return Buffer.from([0x82, 126, length >> 8, length & 0xff]);
}

/** A burst framed in advance into large chunks, so that the feed outpaces every reader. */
function framedBurst(feed: Feed): Buffer[] {
  const chunks: Buffer[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; i < feed.count; i += feed.perFrame ?? 1) {
    const bytes = payload(i, feed);
    parts.push(frameHeader(bytes.length), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    size += bytes.length + 4;
    if (size >= 256 * 1024) {
      chunks.push(Buffer.concat(parts));
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) chunks.push(Buffer.concat(parts));
  return chunks;
}

async function send(socket: WebSocket, feed: Feed): Promise<void> {
  if (feed.rate === 0) {
    const chunks = framedBurst(feed);
    // Straight onto the TCP socket (ws's own send would frame each message again); waits for drain.
    const raw = (socket as unknown as { _socket: Socket })._socket;
    for (const chunk of chunks) {
      if (!raw.write(chunk)) await new Promise((resolve) => raw.once("drain", resolve));
    }
    return;
  }
  const perFrame = feed.perFrame ?? 1;
  const started = performance.now();
  for (let i = 0; i < feed.count; ) {
    const due = Math.floor(((performance.now() - started) * feed.rate) / 1000);
    for (; i < Math.min(due, feed.count); i += perFrame) socket.send(payload(i, feed));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

wss.on("connection", (socket, request) => {
  if (request.headers["content-type"] !== "application/msgpack") {
    socket.close(1008, "this feed speaks MessagePack only");
    return;
  }
  const quotes: string[] = [];
  socket.send(encode([{ T: "success", msg: "connected" }]));
  socket.on("message", (raw) => {
    const request = decode(raw as Buffer) as { action: string; quotes?: string[] };
    if (request.action === "auth") {
      socket.send(encode([{ T: "success", msg: "authenticated" }]));
      return;
    }
    const asked = request.quotes ?? [];
    if (request.action === "subscribe") quotes.push(...asked.filter((symbol) => !quotes.includes(symbol)));
    else quotes.splice(0, quotes.length, ...quotes.filter((symbol) => !asked.includes(symbol)));
    socket.send(encode([{ T: "subscription", trades: [], quotes, bars: [] }]));
    if (request.action !== "subscribe" || next.count === 0) return;
    const feed = next;
    next = { count: 0, rate: 0 };
    void send(socket, feed);
  });
});

process.on("message", (message: Feed) => {
  next = message;
  process.send?.({ type: "set" });
});

http.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (http.address() as AddressInfo).port });
});
