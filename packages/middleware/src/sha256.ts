/**
 * SHA-256 (FIPS 180-4) in plain JavaScript. Credential identities, PKCE challenges and cache keys are
 * computed synchronously (throttle buckets are chosen before any await), and Web Crypto's digest is
 * async only; node:crypto would keep the middleware out of browsers and edge runtimes. The inputs are
 * short strings, so speed does not matter; the tests compare it with node:crypto.
 */

/**
 * The first 32 bits of the fractional parts of the cube roots of the first 64 primes (K) and of the
 * square roots of the first 8 (the initial hash), as FIPS 180-4 defines them: computed once instead of
 * shipped as 72 literals. Doubles carry enough bits, and every value is thousands of ulps away from a
 * 32-bit boundary, so an engine's last-bit rounding of Math.cbrt cannot change one (the tests compare
 * digests with node:crypto).
 */
const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 64; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n);
const fraction32 = (root: number) => ((root - Math.floor(root)) * 2 ** 32) >>> 0;
const K = new Uint32Array(PRIMES.map((p) => fraction32(Math.cbrt(p))));
const H0 = PRIMES.slice(0, 8).map((p) => fraction32(Math.sqrt(p)));

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** The digest of a string's UTF-8 bytes (or of the bytes given). */
export function sha256(input: string | Uint8Array): Uint8Array {
  const data = typeof input === "string" ? new TextEncoder().encode(input) : input;
  // Message, the 0x80 marker, zero padding, and the bit length in the last 8 bytes of a 64-byte block.
  const padded = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(data.length / 0x20000000));
  view.setUint32(padded.length - 4, (data.length * 8) >>> 0);

  const h = new Uint32Array(H0);
  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15] as number;
      const b = w[i - 2] as number;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 =
        (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) >>>
        0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    const next = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] = ((h[i] as number) + (next[i] as number)) >>> 0;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i] as number);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

/** Cryptographically random bytes from Web Crypto (global in Node 20+, browsers, Deno, Bun, workerd). */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}
