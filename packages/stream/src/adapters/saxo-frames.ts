/**
 * Saxo's binary streaming frames. One WebSocket message holds one or more messages, back to back,
 * each laid out as Saxo's plain-WebSocket documentation describes:
 *
 *   offset  size  field
 *   0       8     message id, unsigned 64-bit little-endian (increases along a context)
 *   8       2     reserved
 *   10      1     reference id length n (bytes)
 *   11      n     reference id, ASCII (a subscription's ReferenceId, or `_heartbeat` and friends)
 *   11+n    1     payload format: 0 JSON (UTF-8), 1 protobuf
 *   12+n    4     payload size s, signed 32-bit little-endian
 *   16+n    s     payload
 *
 * The parser trusts nothing in the bytes: every length is checked against what is left, so a short or
 * corrupt frame gives a SaxoFrameError naming the offset and the fault, never a crash or a hang.
 */
import { StreamError } from "../errors.js";

export type SaxoPayloadFormat = "json" | "protobuf";

export interface SaxoMessage {
  /** The message id as a decimal string (it is 64 bits wide; a number would lose precision). */
  messageId: string;
  /** The same id as a bigint, for ordering. */
  id: bigint;
  referenceId: string;
  format: SaxoPayloadFormat;
  /** Parsed JSON, or the raw bytes of a protobuf payload. */
  payload: unknown;
}

export type SaxoFrameFault =
  /** The frame ends inside a message header or payload. */
  | "truncated"
  /** A reference id byte is not printable ASCII, or the id is empty. */
  | "bad-reference-id"
  /** The payload format byte is neither 0 (JSON) nor 1 (protobuf). */
  | "bad-format"
  /** The payload size is negative. */
  | "bad-size"
  /** A JSON payload is not valid UTF-8 JSON. */
  | "bad-json";

/** A frame that does not follow Saxo's layout. `messages` holds what was read before the fault. */
export class SaxoFrameError extends StreamError {
  readonly fault: SaxoFrameFault;
  /** Byte offset of the fault in the frame. */
  readonly offset: number;
  readonly messages: readonly SaxoMessage[];
  constructor(fault: SaxoFrameFault, offset: number, detail: string, messages: readonly SaxoMessage[]) {
    super(`saxo streaming: malformed frame (${fault} at byte ${offset}): ${detail}`, { stream: "saxo streaming" });
    this.fault = fault;
    this.offset = offset;
    this.messages = messages;
  }
}

const HEADER_BEFORE_REFERENCE = 11;
const HEADER_AFTER_REFERENCE = 5;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads every message of one frame, or throws a SaxoFrameError. */
export function parseSaxoFrame(frame: Uint8Array): SaxoMessage[] {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const messages: SaxoMessage[] = [];
  const fail = (fault: SaxoFrameFault, offset: number, detail: string): never => {
    throw new SaxoFrameError(fault, offset, detail, messages);
  };
  let at = 0;
  while (at < frame.byteLength) {
    const start = at;
    if (frame.byteLength - at < HEADER_BEFORE_REFERENCE)
      fail("truncated", at, `${frame.byteLength - at} bytes left, a message header needs at least 16`);
    const id = view.getBigUint64(at, true);
    const referenceLength = view.getUint8(at + 10);
    at += HEADER_BEFORE_REFERENCE;
    if (referenceLength === 0) fail("bad-reference-id", at - 1, "the reference id is empty");
    if (frame.byteLength - at < referenceLength + HEADER_AFTER_REFERENCE)
      fail("truncated", at, `the reference id (${referenceLength} bytes) and the payload header do not fit`);
    let referenceId = "";
    for (let index = 0; index < referenceLength; index++) {
      const byte = frame[at + index] as number;
      if (byte < 0x20 || byte > 0x7e) fail("bad-reference-id", at + index, `byte 0x${byte.toString(16)} is not ASCII`);
      referenceId += String.fromCharCode(byte);
    }
    at += referenceLength;
    const formatByte = view.getUint8(at);
    if (formatByte > 1) fail("bad-format", at, `payload format ${formatByte} (0 is JSON, 1 protobuf)`);
    const size = view.getInt32(at + 1, true);
    if (size < 0) fail("bad-size", at + 1, `payload size ${size}`);
    at += HEADER_AFTER_REFERENCE;
    if (frame.byteLength - at < size)
      fail("truncated", at, `the payload says ${size} bytes, ${frame.byteLength - at} are left`);
    const bytes = frame.subarray(at, at + size);
    let payload: unknown = bytes;
    if (formatByte === 0) {
      try {
        payload = JSON.parse(utf8.decode(bytes));
      } catch (error) {
        fail("bad-json", at, `the JSON payload of ${referenceId} does not parse (${(error as Error).message})`);
      }
    }
    at += size;
    messages.push({
      messageId: id.toString(),
      id,
      referenceId,
      format: formatByte === 0 ? "json" : "protobuf",
      payload,
    });
    // Every message moves `at` forward by at least 16 bytes, so the loop ends.
    if (at <= start) fail("truncated", start, "no progress");
  }
  return messages;
}
