/** What the simulator's WebSocket server counts, for tests to assert on. */
import type { WsPath } from "./connection.js";

export interface AlorWsCounters {
  /** Sockets per path: open now, and accepted since the start. */
  connections: Record<WsPath, { current: number; total: number }>;
  /** Subscriptions confirmed with httpCode 200 (a repeated guid on a connection replaces its subscription). */
  subscribed: number;
  /** Unsubscribes confirmed with httpCode 200. */
  unsubscribed: number;
  /** Requests answered 401: subscribe and unsubscribe with a bad token, commands unauthorised. */
  unauthorized: number;
  /** Requests answered 400 or 403 (malformed, unknown opcode or instrument, portfolio not granted). */
  refused: number;
  /** Data messages sent, floods included (frames dropped by silence() are not). */
  dataMessages: number;
  /** Order commands received on /cws (create, update, delete), whatever their outcome. */
  commands: number;
  /** Commands answered from an earlier execution of their guid. */
  duplicateCommands: number;
  /** Commands answered 429 by the per-user limiter that REST requests share. */
  rateLimited: number;
  /** Command replies withheld by loseNextReply(). */
  lostReplies: number;
  /** Sockets destroyed by dropAll(). */
  dropped: number;
}

export function newWsCounters(): AlorWsCounters {
  return {
    connections: { "/ws": { current: 0, total: 0 }, "/cws": { current: 0, total: 0 } },
    subscribed: 0,
    unsubscribed: 0,
    unauthorized: 0,
    refused: 0,
    dataMessages: 0,
    commands: 0,
    duplicateCommands: 0,
    rateLimited: 0,
    lostReplies: 0,
    dropped: 0,
  };
}
