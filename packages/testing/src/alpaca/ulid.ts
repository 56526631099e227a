/**
 * Monotonic ULIDs (26 Crockford base-32 characters: 48-bit millisecond time, then 80 random bits).
 * Within one millisecond the random part is incremented, so ids sort in creation order, as Alpaca's
 * v2 event ids do and as resuming a stream with `since_id` relies on.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS = 16;

export function createUlidFactory(): (nowMs?: number) => string {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return (nowMs = Date.now()) => {
    // A clock that steps back must not break the order: keep using the last time.
    const time = Math.max(nowMs, lastTime);
    if (time === lastTime) {
      lastRandom = increment(lastRandom);
    } else {
      lastTime = time;
      lastRandom = [...randomBytes(RANDOM_CHARS)].map((byte) => byte % 32);
      // Leave headroom so that increments within one millisecond cannot overflow.
      lastRandom[0] = (lastRandom[0] as number) % 16;
    }
    return encodeTime(time) + lastRandom.map((digit) => ALPHABET[digit]).join("");
  };
}

function encodeTime(time: number): string {
  let rest = time;
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    const digit = (next[i] as number) + 1;
    if (digit < 32) {
      next[i] = digit;
      return next;
    }
    next[i] = 0;
  }
  throw new Error("ulid: random part overflowed within one millisecond");
}

/** True for a well-formed ULID. */
export const isUlid = (value: string): boolean => /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(value);
