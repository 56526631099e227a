/**
 * The simulator's trading stream (`/stream`): `auth` with a key pair or `authenticate` with an OAuth
 * token, answered on `authorization`; `listen` answered on `listening`; and a `trade_updates` event for
 * every order event of the account's book (new, fill, canceled, …). Events are kept per account so a
 * test can have them sent again, as a server might after a failover.
 */
import { randomUUID } from "node:crypto";
import type { TradeUpdate } from "../orders.js";
import type { StreamConnection } from "./connection.js";
import type { AlpacaStreamCounters } from "./counters.js";

const KNOWN_STREAMS = ["trade_updates"];
/** Events kept per account for resend(). */
const HISTORY = 1000;

export interface TradingAccounts {
  ofKeyPair(key: unknown, secret: unknown): string | undefined;
  ofOAuthToken(token: unknown): string | undefined;
}

export class TradeUpdatesStream {
  private readonly listening = new Map<StreamConnection, Set<string>>();
  private readonly history = new Map<string, Record<string, unknown>[]>();

  constructor(
    private readonly accounts: TradingAccounts,
    private readonly counters: AlpacaStreamCounters,
  ) {}

  detach(connection: StreamConnection): void {
    this.listening.delete(connection);
  }

  /** The streams a socket listens to now (undefined before auth). */
  streamsOf(connection: StreamConnection): string[] | undefined {
    const streams = this.listening.get(connection);
    return streams ? [...streams] : undefined;
  }

  handle(connection: StreamConnection, message: unknown): void {
    const request = (message && typeof message === "object" ? message : {}) as Record<string, unknown>;
    const data = (request.data && typeof request.data === "object" ? request.data : {}) as Record<string, unknown>;
    if (request.action === "auth" || request.action === "authenticate") {
      const accountId =
        request.action === "auth"
          ? this.accounts.ofKeyPair(request.key, request.secret)
          : (this.accounts.ofOAuthToken(data.oauth_token) ?? this.accounts.ofKeyPair(data.key_id, data.secret_key));
      if (!accountId) {
        this.counters.authFailures++;
        connection.refuse({ stream: "authorization", data: { action: "authenticate", status: "unauthorized" } });
        return;
      }
      connection.accountId = accountId;
      this.listening.set(connection, new Set());
      connection.send({ stream: "authorization", data: { action: "authenticate", status: "authorized" } });
      return;
    }
    if (request.action === "listen") {
      const streams = this.listening.get(connection);
      if (!streams) {
        connection.send({ stream: "authorization", data: { action: "listen", status: "unauthorized" } });
        return;
      }
      this.counters.listenMessages++;
      const wanted = Array.isArray(data.streams) ? data.streams.filter((s) => KNOWN_STREAMS.includes(String(s))) : [];
      streams.clear();
      for (const stream of wanted) streams.add(String(stream));
      connection.send({ stream: "listening", data: { streams: [...streams] } });
      return;
    }
    connection.send({ stream: "error", data: { error: "invalid action" } });
  }

  /** An order event of the simulator's book: sent to the account's listening sockets. */
  publish(update: TradeUpdate): void {
    const event: Record<string, unknown> = {
      event: update.event,
      timestamp: update.at.toISOString(),
      order: update.order,
      ...(update.event === "fill" || update.event === "partial_fill"
        ? { execution_id: randomUUID(), price: update.price, qty: update.qty, position_qty: update.positionQty }
        : {}),
    };
    const kept = this.history.get(update.accountId) ?? [];
    kept.push(event);
    if (kept.length > HISTORY) kept.shift();
    this.history.set(update.accountId, kept);
    this.send(update.accountId, [event]);
  }

  /** Sends the account's last `count` events again (to every listening socket). */
  resend(accountId: string, count: number): number {
    const events = (this.history.get(accountId) ?? []).slice(-count);
    this.send(accountId, events);
    return events.length;
  }

  private send(accountId: string, events: readonly Record<string, unknown>[]): void {
    for (const [connection, streams] of this.listening) {
      if (connection.accountId !== accountId || !streams.has("trade_updates")) continue;
      for (const data of events) if (connection.send({ stream: "trade_updates", data })) this.counters.tradeUpdates++;
    }
  }
}
