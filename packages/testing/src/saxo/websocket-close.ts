/**
 * The closing handshake of RFC 6455, the only frame the streaming simulator answers: when the client
 * sends a Close frame, send one back and end the connection, as Saxo does. Without it a client's
 * `close()` waits for its own close timeout (30 s in `ws`). Other frames are read past and ignored.
 */
import type { Duplex } from "node:stream";

const CLOSE_OPCODE = 0x8;
/** A Close frame without a status: FIN + opcode 8, unmasked (a server never masks), no payload. */
const CLOSE_FRAME = Buffer.from([0x80 | CLOSE_OPCODE, 0x00]);

export function answerCloseFrames(socket: Duplex): void {
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const frame = frameLength(pending);
      if (frame === undefined || pending.length < frame) return;
      const opcode = (pending[0] ?? 0) & 0x0f;
      pending = pending.subarray(frame);
      if (opcode === CLOSE_OPCODE) {
        socket.end(CLOSE_FRAME);
        return;
      }
    }
  });
}

/** Header plus payload length of the frame at the start of `bytes`, or undefined if the header is incomplete. */
function frameLength(bytes: Buffer): number | undefined {
  if (bytes.length < 2) return undefined;
  const second = bytes[1] ?? 0;
  const maskBytes = second & 0x80 ? 4 : 0;
  const short = second & 0x7f;
  if (short < 126) return 2 + maskBytes + short;
  if (short === 126) return bytes.length < 4 ? undefined : 4 + maskBytes + bytes.readUInt16BE(2);
  return bytes.length < 10 ? undefined : 10 + maskBytes + Number(bytes.readBigUInt64BE(2));
}
