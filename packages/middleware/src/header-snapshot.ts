/**
 * The response headers as the default transport received them (undici's plain object, lower-case names),
 * kept on the Response it builds. The layers read a few headers of every answer (Content-Length,
 * Set-Cookie, Deprecation/Sunset/Link, the X-RateLimit-* names); on Node 20 each `Headers.get` validates
 * its argument, and iterating a Headers object sorts it, which together cost more per call than the
 * layers' own work. A property read on the snapshot answers the same. A Response from any other fetch has
 * no snapshot and is read through its Headers.
 */

/** Header values by lower-case name; several lines of one header as an array, in the order received. */
export type HeaderSnapshot = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One brand per process (a registered symbol): every copy of this module reads the others' snapshots. */
const SNAPSHOT = Symbol.for("brokerkit.headerSnapshot");

/** Keeps `snapshot` on `response`; it must hold exactly the headers `response.headers` was made from. */
export function keepHeaderSnapshot<T extends Response>(response: T, snapshot: HeaderSnapshot): T {
  (response as unknown as Record<symbol, HeaderSnapshot>)[SNAPSHOT] = snapshot;
  return response;
}

function snapshotOf(response: Response): HeaderSnapshot | undefined {
  return (response as unknown as Record<symbol, HeaderSnapshot | undefined>)[SNAPSHOT];
}

/** `response.headers.get(name)` for a lower-case `name`: several lines joined with ", ", null when absent. */
export function responseHeader(response: Response, name: string): string | null {
  const snapshot = snapshotOf(response);
  if (snapshot === undefined) return response.headers.get(name);
  const value = snapshot[name];
  if (typeof value === "string") return value;
  return Array.isArray(value) ? value.join(", ") : null;
}

/** The lower-case names of the response's headers that start with `prefix` (lower-case), or undefined when none does. */
export function responseHeaderNames(response: Response, prefix: string): string[] | undefined {
  const snapshot = snapshotOf(response);
  if (snapshot === undefined) return headerNamesStartingWith(response.headers, prefix);
  const names: string[] = [];
  for (const name in snapshot) if (name.startsWith(prefix) && snapshot[name] !== undefined) names.push(name);
  // In the order a Headers object iterates them.
  return names.length > 0 ? names.sort() : undefined;
}

/** The names in `headers` that start with `prefix` (lower-case), or undefined when none does. */
export function headerNamesStartingWith(headers: Headers, prefix: string): string[] | undefined {
  const names: string[] = [];
  for (const name of headers.keys()) if (name.startsWith(prefix)) names.push(name);
  return names.length > 0 ? names : undefined;
}
