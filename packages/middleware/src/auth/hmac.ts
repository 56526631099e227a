/** HMAC with Web Crypto (browsers, edge runtimes and Node alike): no `node:crypto` import. */

export type HmacAlgorithm = "HMAC-SHA256" | "HMAC-SHA512";

const HASHES: Record<HmacAlgorithm, string> = { "HMAC-SHA256": "SHA-256", "HMAC-SHA512": "SHA-512" };
const encoder = new TextEncoder();

/** A signing function bound to one secret; the imported key is not extractable. */
export function hmacSigner(
  algorithm: HmacAlgorithm,
  secret: string,
  encoding: "hex" | "base64",
): (payload: string) => Promise<string> {
  const key = globalThis.crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: HASHES[algorithm] },
    false,
    ["sign"],
  );
  return async (payload) => {
    const mac = new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", await key, encoder.encode(payload)));
    return encoding === "hex" ? toHex(mac) : toBase64(mac);
  };
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
