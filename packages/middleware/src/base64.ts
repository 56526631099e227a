/**
 * Base64 with the platform's btoa/atob and TextEncoder/TextDecoder, which every runtime brokerkit
 * supports has (Node's Buffer is missing in browsers and in workerd without nodejs_compat).
 */

export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** RFC 4648 §5 without padding, as PKCE and the cache keys use it. */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The base64 of a string's UTF-8 bytes (HTTP Basic credentials). */
export function utf8ToBase64(text: string): string {
  return base64(new TextEncoder().encode(text));
}

/** Decodes base64 or base64url (padding optional) to UTF-8 text; throws on malformed input. */
export function base64ToUtf8(encoded: string): string {
  const standard = encoded.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
