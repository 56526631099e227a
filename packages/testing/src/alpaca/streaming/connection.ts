/**
 * One accepted WebSocket of the Alpaca simulator's streams: its codec, who authenticated on it, and the
 * fault controls that act on a socket (a silent period, an abrupt end).
 */
import { WebSocket } from "ws";
import { type Codec, encodeFrame } from "./codec.js";

export class StreamConnection {
  private silentUntil = 0;
  /** The trading account that authenticated on this socket. */
  accountId: string | undefined;

  constructor(
    readonly id: number,
    /** `/stream` or the feed path, e.g. `/v2/iex`. */
    readonly path: string,
    readonly socket: WebSocket,
    readonly codec: Codec,
    /** Whether JSON goes in binary frames (the trading stream, as paper sends it). */
    readonly binary: boolean,
  ) {
    // Pongs are ours to send (autoPong is off) so that a silent socket answers no ping either.
    socket.on("ping", (data) => {
      if (!this.silent) socket.pong(data);
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get silent(): boolean {
    return performance.now() < this.silentUntil;
  }

  silence(ms: number): void {
    this.silentUntil = Math.max(this.silentUntil, performance.now() + ms);
  }

  /** Sends one frame; false when the socket is silent or closed (the frame is dropped). */
  send(value: unknown): boolean {
    if (this.silent || !this.open) return false;
    this.socket.send(encodeFrame(value, this.codec, this.binary));
    return true;
  }

  /** Sends a last message, then closes the socket (as Alpaca does after a fatal error). */
  refuse(value: unknown): void {
    this.send(value);
    this.socket.close(1008, "refused");
  }

  /** Destroys the TCP socket without a close frame, as a network failure would. */
  destroy(): void {
    this.socket.terminate();
  }
}
