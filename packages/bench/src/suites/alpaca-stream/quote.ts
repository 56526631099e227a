/**
 * The Alpaca feed's quote message, as the feed server sends it (MessagePack, `t` a MessagePack timestamp
 * holding the send time) and as every reader reads it back. `t` is the send time on the shared clock
 * (timeOrigin + now) with 10 ns steps and a last digit of 1, so its RFC 3339 text always has nine
 * fractional digits: brokerkit's `t` and the SDK's `timestampRaw` are then the same text.
 */
import {
  Decoder,
  decodeTimestampToTimeSpec,
  ExtData,
  ExtensionCodec,
  encodeTimeSpecToTimestamp,
} from "@msgpack/msgpack";
import { clock } from "../stream/quote.js";

/** A quote's fields under Alpaca's wire names, `t` as RFC 3339 text (brokerkit's and ws alone's shape). */
export interface WireQuote {
  T: "q";
  S: string;
  bx: string;
  bp: number;
  bs: number;
  ax: string;
  ap: number;
  as: number;
  c: string[];
  z: string;
  t: string;
}

/** Quote number `i`, its `t` the time it was made. */
export function quote(i: number): Record<string, unknown> {
  const now = clock();
  const sec = Math.floor(now / 1000);
  const nsec = Math.floor((now - sec * 1000) * 100_000) * 10 + 1;
  return {
    T: "q",
    S: "AAPL",
    bx: "V",
    bp: 185.1 + (i % 100) / 100,
    bs: 3 + (i % 7),
    ax: "Q",
    ap: 185.2 + (i % 100) / 100,
    as: 2 + (i % 5),
    c: ["R"],
    z: "C",
    t: new ExtData(-1, encodeTimeSpecToTimestamp({ sec, nsec })),
  };
}

/**
 * MessagePack timestamps as RFC 3339 text with nanoseconds, trailing zeros trimmed: what brokerkit's
 * msgpack codec gives, so that ws alone and the parse floor decode to the same message.
 */
export const rfc3339Timestamps = new ExtensionCodec();
rfc3339Timestamps.register({
  type: -1,
  encode: () => null,
  decode: (data) => {
    const { sec, nsec } = decodeTimestampToTimeSpec(data);
    const fraction = nsec === 0 ? "" : `.${String(nsec).padStart(9, "0").replace(/0+$/, "")}`;
    return `${new Date(sec * 1000).toISOString().slice(0, 19)}${fraction}Z`;
  },
});

/** One decoder for ws alone and the parse floor: `decode()` would build a new one per frame, a cost no floor should carry. */
export const rfc3339Decoder = new Decoder({ extensionCodec: rfc3339Timestamps });

/** Milliseconds on the shared clock of an RFC 3339 time with nine fractional digits (for latency only). */
export function sentAtMs(t: string): number {
  return Date.parse(`${t.slice(0, 19)}Z`) + Number(t.slice(19, 29)) * 1000;
}
