/**
 * One accepted WebSocket of the ALOR simulator, with the fault controls that act on a socket: a silent
 * period (nothing is sent, not even a pong, yet the socket stays open and requests are still handled)
 * and an abrupt end (the TCP socket destroyed without a close frame).
 */
import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";

export type WsPath = "/ws" | "/cws";

/** ALOR's answer to a request: `{ requestGuid, httpCode, message }` plus, for commands, `orderNumber`. */
export interface WsAnswer {
  httpCode: number;
  message: string;
  orderNumber?: string;
}

export class WsConnection {
  private silentUntil = 0;

  constructor(
    readonly id: number,
    readonly path: WsPath,
    readonly socket: WebSocket,
    /** The upgrade request (commands reuse it as the request of the REST handlers they run). */
    readonly request: IncomingMessage,
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

  /** Sends nothing for `ms` from now. */
  silence(ms: number): void {
    this.silentUntil = Math.max(this.silentUntil, performance.now() + ms);
  }

  /** Sends one JSON frame; false when the socket is silent or closed (the frame is dropped). */
  send(frame: object): boolean {
    if (this.silent || !this.open) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  answer(requestGuid: string | null, answer: WsAnswer): boolean {
    return this.send({ requestGuid, ...answer });
  }

  /** Destroys the TCP socket without a close frame, as a network failure would. */
  destroy(): void {
    this.socket.terminate();
  }
}
