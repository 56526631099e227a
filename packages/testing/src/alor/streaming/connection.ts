/**
 * One accepted WebSocket of the ALOR simulator, with the fault controls that act on a socket: a silent
 * period (nothing is sent, not even a pong, yet the socket stays open and requests are still handled)
 * and an abrupt end (the TCP socket destroyed without a close frame).
 */
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { SimulatedSocket } from "../../simulated-socket.js";

export type WsPath = "/ws" | "/cws";

/** ALOR's answer to a request: `{ requestGuid, httpCode, message }` plus, for commands, `orderNumber`. */
export interface WsAnswer {
  httpCode: number;
  message: string;
  orderNumber?: string;
}

export class WsConnection extends SimulatedSocket {
  constructor(
    readonly id: number,
    readonly path: WsPath,
    socket: WebSocket,
    /** The upgrade request (commands reuse it as the request of the REST handlers they run). */
    readonly request: IncomingMessage,
  ) {
    super(socket);
  }

  /** Sends one JSON frame; false when the socket is silent or closed (the frame is dropped). */
  send(frame: object): boolean {
    return this.sendFrame(JSON.stringify(frame));
  }

  answer(requestGuid: string | null, answer: WsAnswer): boolean {
    return this.send({ requestGuid, ...answer });
  }
}
