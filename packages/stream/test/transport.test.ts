/**
 * The socket surface over `ws` (Node 20's transport), against a real `ws` server on 127.0.0.1: text
 * frames reach the runtime as strings and binary frames as Uint8Arrays of their own (offset 0), as
 * the global WebSocket path hands them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { openSocket, type Socket } from "../src/transport.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A server that sends one text and one binary frame to each client, then waits. */
async function startFrameServer(text: string, binary: Uint8Array): Promise<string> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (socket) => {
    socket.send(text);
    socket.send(binary, { binary: true });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe("openSocket over ws", () => {
  it("hands text frames as strings and binary frames as Uint8Arrays of their own", async () => {
    const binary = new Uint8Array([0, 1, 2, 250, 255]);
    const url = await startFrameServer('{"ünïcode":"✓"}', binary);
    const frames: (string | Uint8Array)[] = [];
    let socket: Socket | undefined;
    await new Promise<void>((resolve, reject) => {
      void openSocket(url, {
        open: () => {},
        message: (data) => {
          frames.push(data);
          if (frames.length === 2) resolve();
        },
        close: (code) => reject(new Error(`closed early (${code})`)),
      }).then((opened) => {
        socket = opened;
      }, reject);
    });
    socket?.close(1000, "done");
    expect(frames[0]).toBe('{"ünïcode":"✓"}');
    const received = frames[1] as Uint8Array;
    expect(received).toBeInstanceOf(Uint8Array);
    expect(received.byteOffset).toBe(0);
    expect(received.byteLength).toBe(received.buffer.byteLength);
    expect([...received]).toEqual([...binary]);
  });
});
