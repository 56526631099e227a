/**
 * The two codecs of Alpaca's streams, as the simulator speaks them: JSON text (or JSON in binary
 * frames, as paper trading sends), or MessagePack when the handshake asked for it, with every `t`
 * field a MessagePack timestamp. Times are RFC 3339 with nanoseconds, trailing zeros trimmed.
 */
import { decode, ExtData, encode, encodeTimeSpecToTimestamp } from "@msgpack/msgpack";

export type Codec = "json" | "msgpack";

/** A time of the simulated feed: milliseconds since the epoch plus nanoseconds within the millisecond. */
export interface FeedTime {
  ms: number;
  nanos: number;
}

export function rfc3339Nano(time: FeedTime): string {
  const seconds = Math.floor(time.ms / 1000);
  const nsec = (time.ms - seconds * 1000) * 1_000_000 + time.nanos;
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${whole}${nsec === 0 ? "" : `.${String(nsec).padStart(9, "0").replace(/0+$/, "")}`}Z`;
}

/** Parses rfc3339Nano's text back into seconds and nanoseconds. */
function timeSpec(text: string): { sec: number; nsec: number } {
  const match = /^(.{19})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!match) throw new Error(`not an RFC 3339 UTC time: ${text}`);
  return { sec: Date.parse(`${match[1]}Z`) / 1000, nsec: Number((match[2] ?? "").padEnd(9, "0")) };
}

/** Encodes a message list or object for a connection: JSON text, JSON bytes (`binary`) or MessagePack. */
export function encodeFrame(value: unknown, codec: Codec, binary: boolean): string | Uint8Array {
  if (codec === "msgpack") return encode(withTimestamps(value));
  const text = JSON.stringify(value);
  return binary ? Buffer.from(text) : text;
}

/** `t` fields (market data times) become MessagePack timestamps, as Alpaca sends them. */
function withTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withTimestamps);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] =
      key === "t" && typeof field === "string" ? new ExtData(-1, encodeTimeSpecToTimestamp(timeSpec(field))) : field;
  }
  return out;
}

/** Decodes a client frame: text or bytes of JSON, or MessagePack bytes. Throws on anything else. */
export function decodeFrame(frame: Buffer, isBinary: boolean): unknown {
  if (!isBinary) return JSON.parse(frame.toString("utf8"));
  const first = frame.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d);
  if (first === 0x7b || first === 0x5b) return JSON.parse(frame.toString("utf8"));
  return decode(frame);
}
