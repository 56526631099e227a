/** Just enough cookie handling for a load balancer: read the Cookie header, write Set-Cookie lines. */

/** Name → value of every cookie in a Cookie header. Later duplicates win, like most servers. */
export function parseCookieHeader(header: string | string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  const text = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

export interface SetCookie {
  name: string;
  value: string;
  path: string;
  maxAgeMs: number;
}

/** A Set-Cookie line. Max-Age has whole seconds, so sub-second lifetimes round up to 1 s. */
export function serializeSetCookie({ name, value, path, maxAgeMs }: SetCookie): string {
  const maxAge = Math.max(1, Math.ceil(maxAgeMs / 1000));
  return `${name}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`;
}
