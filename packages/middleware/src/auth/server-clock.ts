/**
 * The broker's clock as seen from here: signed requests carry a timestamp the server compares with its
 * own clock within a receive window, so a client whose clock drifts is refused. The offset is read from
 * the server's time endpoint, shared by concurrent callers, and read again after `resyncMs`. The answer is
 * taken as the server's time when it arrived here, not at the middle of the round trip: the request may
 * have waited in the throttle before it left, and servers refuse a timestamp ahead of their clock (Binance:
 * by more than 1 s) while a receive window absorbs one that lags by a transit.
 */
import { NetworkError } from "../errors.js";
import { redactUrl } from "../redact.js";
import type { FetchLike } from "../types.js";
import { abortable } from "./abortable.js";

export interface ServerClockOptions {
  url: string;
  /** Field of the JSON answer holding the server time in epoch ms. */
  field: string;
  resyncMs: number;
  fetch?: FetchLike;
  /** Wall clock in epoch ms. Default `Date.now`. */
  now?: () => number;
}

export class ServerClock {
  private offsetMs = 0;
  private syncedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ServerClockOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The server's current time in epoch ms, synchronising first when the offset is unknown or old. */
  async serverNow(signal?: AbortSignal): Promise<number> {
    if (this.now() - this.syncedAt >= this.options.resyncMs) {
      this.pending ??= this.sync().finally(() => {
        this.pending = undefined;
      });
      await abortable(this.pending, signal);
    }
    return Math.round(this.now() + this.offsetMs);
  }

  /** The server's current time from the last offset read, reading it only if it was never read. */
  async current(signal?: AbortSignal): Promise<number> {
    if (this.syncedAt === Number.NEGATIVE_INFINITY) return this.serverNow(signal);
    return Math.round(this.now() + this.offsetMs);
  }

  /** Forgets the offset, e.g. after the server refused a timestamp. */
  invalidate(): void {
    this.syncedAt = Number.NEGATIVE_INFINITY;
  }

  private async sync(): Promise<void> {
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    const url = this.options.url;
    let serverTime: unknown;
    try {
      const response = await fetchImpl(new Request(url, { headers: { accept: "application/json" } }));
      if (!response.ok) throw new Error(`status ${response.status}`);
      serverTime = ((await response.json()) as Record<string, unknown>)[this.options.field];
    } catch (error) {
      throw new NetworkError(`signature: could not read the server time from ${redactUrl(url)}`, {
        method: "GET",
        url,
        cause: error,
      });
    }
    if (typeof serverTime !== "number" || !Number.isFinite(serverTime)) {
      throw new NetworkError(
        `signature: the server time answer of ${redactUrl(url)} has no numeric field "${this.options.field}"`,
        { method: "GET", url },
      );
    }
    const receivedAt = this.now();
    this.offsetMs = serverTime - receivedAt;
    this.syncedAt = receivedAt;
  }
}
