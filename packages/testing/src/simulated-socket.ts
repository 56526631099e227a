/**
 * An accepted WebSocket of a simulator, with the fault controls every broker's stream shares: a silent
 * period (nothing is sent, not even a pong, yet the socket stays open and requests are still handled)
 * and an abrupt end (the TCP socket destroyed without a close frame). Brokers add their framing.
 */
import { WebSocket } from "ws";

export class SimulatedSocket {
  private silentUntil = 0;

  constructor(readonly socket: WebSocket) {
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

  /** Destroys the TCP socket without a close frame, as a network failure would. */
  destroy(): void {
    this.socket.terminate();
  }

  /** Sends one encoded frame; false when the socket is silent or closed (the frame is dropped). */
  protected sendFrame(frame: string | Uint8Array): boolean {
    if (this.silent || !this.open) return false;
    this.socket.send(frame);
    return true;
  }
}

/** The fault controls a stream server offers over all its open sockets (test handles of each simulator). */
export function openSocketControls(
  open: ReadonlySet<SimulatedSocket>,
  counters: { dropped: number },
): { dropAll(): number; silence(ms: number): void } {
  return {
    dropAll() {
      const count = open.size;
      for (const connection of open) connection.destroy();
      counters.dropped += count;
      return count;
    },
    silence(ms) {
      if (!(ms >= 0)) throw new Error(`silence: ms must be ≥ 0, got ${ms}`);
      for (const connection of open) connection.silence(ms);
    },
  };
}
