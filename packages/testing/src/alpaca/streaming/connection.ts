/**
 * One accepted WebSocket of the Alpaca simulator's streams: its codec, who authenticated on it, and the
 * fault controls that act on a socket (a silent period, an abrupt end).
 */
import type { WebSocket } from "ws";
import { SimulatedSocket } from "../../simulated-socket.js";
import { type Codec, encodeFrame } from "./codec.js";

export class StreamConnection extends SimulatedSocket {
  /** The trading account that authenticated on this socket. */
  accountId: string | undefined;

  constructor(
    readonly id: number,
    /** `/stream` or the feed path, e.g. `/v2/iex`. */
    readonly path: string,
    socket: WebSocket,
    readonly codec: Codec,
    /** Whether JSON goes in binary frames (the trading stream, as paper sends it). */
    readonly binary: boolean,
  ) {
    super(socket);
  }

  /** Sends one frame; false when the socket is silent or closed (the frame is dropped). */
  send(value: unknown): boolean {
    return this.sendFrame(encodeFrame(value, this.codec, this.binary));
  }

  /** Sends a last message, then closes the socket (as Alpaca does after a fatal error). */
  refuse(value: unknown): void {
    this.send(value);
    this.socket.close(1008, "refused");
  }
}
