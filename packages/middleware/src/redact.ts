/**
 * Redaction of secrets from anything that may be printed: URLs, headers and free text.
 * Credential providers register their secret values here, so a server that echoes a token
 * back in an error body cannot leak it through an error message either.
 */
const REDACTED = "[REDACTED]";
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "apca-api-key-id",
  "apca-api-secret-key",
  "x-api-key",
  "api-key",
]);
const SECRET_QUERY =
  /^(token|refresh_?token|access_?token|id_?token|client_?secret|password|code|code_verifier|authorization|apikey|api_key)$/i;

/** Bounded: rotating tokens would otherwise grow this forever. */
const MAX_SECRETS = 512;
const secrets = new Set<string>();

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6) return;
  // Re-registering refreshes the entry, so long-lived secrets in use are never the oldest.
  if (secrets.delete(value)) {
    secrets.add(value);
    return;
  }
  if (secrets.size >= MAX_SECRETS) {
    const oldest = secrets.values().next().value;
    if (oldest !== undefined) secrets.delete(oldest);
  }
  secrets.add(value);
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Replaces every registered secret in `text`. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
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
      out[k] = SECRET_QUERY.test(k) || /token|secret|password/i.test(k) ? REDACTED : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
