/**
 * A small JSON protocol and a real `ws` server on 127.0.0.1 that speaks it, to test the runtime apart
 * from any broker: `{ op: "sub", id, topic, token }` → `{ ack: id, code }`, then `{ topic, seq, value }`
 * pushes; `{ op: "unsub", id }` → `{ ack: id, code }`; `{ op: "cmd", id, ... }` → `{ ack: id, code, done }`.
 * Tokens are checked against the server's `validTokens`; a 401 ack asks the client to refresh.
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import type { Incoming, ProtocolAdapter } from "../src/adapter.js";
import type { StreamSpec } from "../src/spec.js";

export interface TestServer {
  url: string;
  connections: number;
  live: Set<WebSocket>;
  /** Topic → ids subscribed at the server now. */
  subscriptions: Map<string, Set<string>>;
  commands: Map<string, number>;
  validTokens: Set<string>;
  push(topic: string, value: unknown): void;
  /** Destroys every socket without a close frame. */
  dropAll(): void;
  /** Stops answering anything on current sockets. */
  silence(): void;
  /** Drops the reply of the next command (it is still executed). */
  loseNextReply(): void;
  /** Values each new subscription to a topic gets right behind its ack, in the same tick (a snapshot). */
  snapshots: Map<string, unknown[]>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http });
  const silenced = new WeakSet<WebSocket>();
  const subsBySocket = new Map<WebSocket, Map<string, string>>();
  let seq = 0;
  let loseReply = false;
  const state: TestServer = {
    url: "",
    connections: 0,
    live: new Set(),
    subscriptions: new Map(),
    commands: new Map(),
    validTokens: new Set(["token-1"]),
    snapshots: new Map(),
    push(topic, value) {
      seq++;
      for (const [socket, subs] of subsBySocket) {
        if (silenced.has(socket)) continue;
        for (const [, subTopic] of subs) if (subTopic === topic) socket.send(JSON.stringify({ topic, seq, value }));
      }
    },
    dropAll() {
      for (const socket of state.live) socket.terminate();
    },
    silence() {
      for (const socket of state.live) silenced.add(socket);
    },
    loseNextReply() {
      loseReply = true;
    },
    async close() {
      for (const socket of state.live) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  wss.on("connection", (socket) => {
    state.connections++;
    state.live.add(socket);
    const subs = new Map<string, string>();
    subsBySocket.set(socket, subs);
    const forget = () => {
      state.live.delete(socket);
      subsBySocket.delete(socket);
      for (const [id, topic] of subs) state.subscriptions.get(topic)?.delete(id);
    };
    socket.on("close", forget);
    socket.on("message", (raw) => {
      if (silenced.has(socket)) return;
      const request = JSON.parse(String(raw)) as { op: string; id: string; topic?: string; token?: string };
      const reply = (body: Record<string, unknown>) => socket.send(JSON.stringify({ ack: request.id, ...body }));
      if (request.op === "sub") {
        if (!state.validTokens.has(request.token ?? "")) return reply({ code: 401 });
        subs.set(request.id, request.topic as string);
        const ids = state.subscriptions.get(request.topic as string) ?? new Set<string>();
        state.subscriptions.set(request.topic as string, ids);
        ids.add(request.id);
        reply({ code: 200 });
        for (const value of state.snapshots.get(request.topic as string) ?? []) {
          socket.send(JSON.stringify({ topic: request.topic, seq: ++seq, value }));
        }
        return;
      }
      if (request.op === "unsub") {
        const topic = subs.get(request.id);
        subs.delete(request.id);
        if (topic) state.subscriptions.get(topic)?.delete(request.id);
        return reply({ code: 200 });
      }
      if (request.op === "cmd") {
        const runs = state.commands.get(request.id) ?? 0;
        // Executed once per id, as a deduplicating broker does.
        if (runs === 0) state.commands.set(request.id, 1);
        else state.commands.set(request.id, runs);
        if (loseReply) {
          loseReply = false;
          return;
        }
        return reply({ code: 200, done: true });
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  state.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return state;
}

/** The test protocol's adapter. */
export const testAdapter: ProtocolAdapter & { commandsDeduplicated: true } = {
  name: "test",
  commandsDeduplicated: true,
  decode(frame): Incoming[] {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(String(frame)) as Record<string, unknown>;
    } catch {
      return [{ kind: "malformed", reason: "not JSON" }];
    }
    if (typeof message.ack === "string") {
      const code = Number(message.code);
      return [{ kind: "ack", id: message.ack, ack: { ok: code === 200, code, body: message } }];
    }
    return [{ kind: "data", key: String(message.topic), message }];
  },
  async subscribe(socket, request) {
    const id = socket.newId();
    request.route?.([String(request.params.topic)]);
    let token = await socket.token();
    for (let attempt = 0; ; attempt++) {
      const answer = socket.awaitAck(id);
      socket.send({ op: "sub", id, topic: request.params.topic, token });
      const ack = await answer;
      if (ack.ok) return { keys: [String(request.params.topic)], handle: id };
      const renewed = ack.code === 401 && attempt === 0 ? await socket.renewToken(token) : undefined;
      if (!renewed) throw new Error(`refused ${ack.code}`);
      token = renewed;
    }
  },
  async unsubscribe(socket, subscription) {
    const answer = socket.awaitAck(subscription.handle as string);
    socket.send({ op: "unsub", id: subscription.handle });
    await answer;
  },
  command(socket, _channel, _spec, params, id) {
    const answer = socket.awaitAck(id);
    socket.send({ op: "cmd", id, ...params });
    return answer;
  },
};

export function testSpec(overrides: Partial<StreamSpec> = {}): StreamSpec {
  return {
    broker: "test",
    name: "feed",
    protocol: "test",
    server: "ws",
    auth: "bearer",
    idleTimeoutMs: 5_000,
    reconnect: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
    ackTimeoutMs: 1_000,
    limits: [],
    channels: {
      quotes: {
        kind: "subscription",
        fixed: {},
        buffer: { policy: "conflate", size: 10, conflateKey: ["value.symbol"] },
      },
      orders: {
        kind: "subscription",
        fixed: {},
        buffer: { policy: "error", size: 5 },
        snapshot: true,
        dedupeBy: ["value.id"],
      },
      ticks: { kind: "subscription", fixed: {}, buffer: { policy: "drop-oldest", size: 3 } },
      place: { kind: "command", fixed: {}, stateChanging: true },
    },
    ...overrides,
  };
}
