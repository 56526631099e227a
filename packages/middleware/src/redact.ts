/**
 * Redaction of secrets from anything that may be printed: URLs, headers and free text.
 * Credential providers register their secret values here, so a server that echoes a token
 * back in an error body cannot leak it through an error message either.
 */
import { SecretFragments } from "./secret-fragments.js";

const REDACTED = "[REDACTED]";
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "apca-api-key-id",
  "apca-api-secret-key",
  "x-api-key",
  "x-mbx-apikey",
  "api-key",
]);
/**
 * A secret header's name and its separator as free text or JSON writes it (`: `, `=`, `": "`), then
 * the value: an optional scheme word and a credential; for cookies, everything up to the string's end.
 * A value already masked is left alone, so redacting twice changes nothing.
 */
const SEPARATOR = String.raw`\\?["']?\s*[:=]\s*(?!\[REDACTED\])\[?\s*\\?["']?`;
const COOKIE_HEADERS = ["set-cookie", "cookie"];
const credentialHeaders = [...SECRET_HEADERS].filter((name) => !COOKIE_HEADERS.includes(name));
const HEADER_ECHO = new RegExp(
  String.raw`(?<![\w-])(${credentialHeaders.sort((a, b) => b.length - a.length).join("|")})(${SEPARATOR})` +
    String.raw`(?:[A-Za-z][\w-]*[ \t]+)?[^\s"'\\,;&]+`,
  "gi",
);
const COOKIE_ECHO = new RegExp(String.raw`(?<![\w-])(${COOKIE_HEADERS.join("|")})(${SEPARATOR})[^"'\\\r\n]+`, "gi");
/** `Bearer`/`Basic` and a credential: 8+ token characters, not a plain word (`Bearer error=…`, `Basic auth`). */
const SCHEME_CREDENTIAL = /\b(Bearer|Basic)(\s+)(?=[\w.~+/-]*[\d_.~+/-]|[A-Za-z]{16})[\w.~+/-]{8,}=*/gi;
const SECRET_QUERY =
  /^(token|refresh_?token|access_?token|id_?token|client_?secret|password|code|code_verifier|authorization|apikey|api_key|signature)$/i;

/** Bounded: rotating tokens would otherwise grow this forever. */
const MAX_SECRETS = 512;
const secrets = new Set<string>();
/** Pieces of 16+ characters of the secrets that long; shorter secrets are only matched whole. */
const fragments = new SecretFragments();
/** The secrets shorter than a piece, derived lazily from `secrets`. */
let shortSecrets: string[] | undefined;

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6) return;
  // Re-registering refreshes the entry, so long-lived secrets in use are never the oldest.
  if (secrets.delete(value)) {
    secrets.add(value);
    return;
  }
  if (secrets.size >= MAX_SECRETS) {
    const oldest = secrets.values().next().value;
    if (oldest !== undefined) {
      secrets.delete(oldest);
      fragments.remove(oldest);
    }
  }
  secrets.add(value);
  fragments.add(value);
  shortSecrets = undefined;
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/**
 * Masks every registered secret in `text`, every piece of 16 characters or more of one (a truncated
 * or line-wrapped token), and credentials in echoed headers (`Authorization: …`, `"Cookie": "…"`)
 * or after a `Bearer`/`Basic` scheme, registered or not.
 */
export function redactText(text: string): string {
  let out = maskFragments(text);
  shortSecrets ??= [...secrets].filter((secret) => secret.length < SecretFragments.PIECE);
  for (const secret of shortSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(HEADER_ECHO, `$1$2${REDACTED}`)
    .replace(COOKIE_ECHO, `$1$2${REDACTED}`)
    .replace(SCHEME_CREDENTIAL, `$1$2${REDACTED}`);
}

/** Replaces each run of text made of 16-character (or longer) pieces of registered secrets. */
function maskFragments(text: string): string {
  const spans = fragments.find(text);
  if (spans.length === 0) return text;
  let out = "";
  let copied = 0;
  for (const [start, end] of spans) {
    out += `${text.slice(copied, start)}${REDACTED}`;
    copied = end;
  }
  return out + text.slice(copied);
}

/** Removes credentials from a URL's userinfo and secret-looking query parameters. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (parsed.username) parsed.username = "";
  if (parsed.password) parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return redactText(parsed.toString().replaceAll("%5BREDACTED%5D", REDACTED));
}

export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) out[name] = isSecretHeader(name) ? REDACTED : redactText(value);
  return out;
}

/** Deep-redacts a parsed JSON body: secret-looking keys and registered secret values. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[…]";
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const secretKey = SECRET_QUERY.test(k) || isSecretHeader(k) || /token|secret|password/i.test(k);
      out[k] = secretKey ? REDACTED : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
