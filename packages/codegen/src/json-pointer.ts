/** JSON Pointer (RFC 6901) segments, as in ajv's `instancePath`: `/a~1b/0` → ["a/b", "0"]. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer || pointer === "/") return [];
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Segments of a `$ref` fragment, which is also URI-encoded: `#/paths/~1v2~1orders%7Bx%7D`. */
export function refFragmentSegments(fragment: string): string[] {
  return pointerSegments(fragment).map((s) => decodeURIComponent(s));
}

/** A JSON pointer fragment for segments: ["a/b", 0] → `#/a~1b/0`. */
export function pointerOf(segments: readonly (string | number)[]): string {
  return `#/${segments.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}
