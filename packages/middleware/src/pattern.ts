/**
 * Path patterns shared by every layer that matches routes:
 *   `{name}` captures one segment, `*` matches one segment, `**` matches the rest (zero or more).
 * Literal text may sit around a capture inside one segment (`/v2/orders:by_client_order_id`).
 */
export type PathMatcher = (path: string) => Record<string, string> | null;

const cache = new Map<string, PathMatcher>();

export function compilePattern(pattern: string): PathMatcher {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const names: string[] = [];
  let source = "";
  const segments = pattern.split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (i > 0) source += "\\/";
    if (segment === "**") {
      // `/a/**` also matches `/a` itself: make the slash before `**` optional.
      if (source.endsWith("\\/")) source = `${source.slice(0, -2)}(?:\\/.*)?`;
      else source += ".*";
      continue;
    }
    if (segment === "*") {
      source += "[^/]+";
      continue;
    }
    source += segment.replace(/\{([^{}]+)\}|([^{}]+)/g, (_, name: string | undefined, literal: string | undefined) => {
      if (name !== undefined) {
        names.push(name);
        return "([^/]+)";
      }
      return escapeRegExp(literal ?? "");
    });
  }
  const regex = new RegExp(`^${source}$`);
  const matcher: PathMatcher = (path) => {
    const match = regex.exec(path);
    if (!match) return null;
    const params: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) params[names[i] as string] = decodeSegment(match[i + 1] ?? "");
    return params;
  };
  cache.set(pattern, matcher);
  return matcher;
}

/** Fills `{name}` placeholders, encoding each value as one path segment. */
export function fillTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : encodeURIComponent(value);
  });
}

/** Number of literal characters: the more, the more specific. */
export function specificity(pattern: string): number {
  return pattern.replace(/\{[^{}]+\}|\*+/g, "").length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function decodeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
