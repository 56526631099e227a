/**
 * Finds which spec operation a request is for, so that every later layer can read
 * `context.operation` instead of parsing the URL again.
 */
import type { OperationEntry, OperationFlags } from "./config.js";
import { isLightRequest } from "./light-request.js";
import { compilePattern, type PathMatcher, specificity } from "./pattern.js";
import type { Layer, MatchedOperation } from "./types.js";

interface CompiledOperation {
  method: string;
  template: string;
  match: PathMatcher;
  flags: OperationFlags | undefined;
  /** The template's segments that are plain text, by position: a path that differs there cannot match. */
  literalSegments: readonly (readonly [number, string])[];
  /** No capture and no wildcard: it matches its own text only. */
  literal: boolean;
}

export interface OperationTable {
  /** Matches a path relative to the API base URL. */
  find(method: string, path: string): MatchedOperation | undefined;
  /**
   * What `find` returns for a path made from `template` (a typed call's), in one lookup when no template
   * that outranks it could match the same paths; undefined when that is not certain (then use `find`).
   */
  findByTemplate(method: string, template: string, path: string): MatchedOperation | undefined;
  /** Path of `url` relative to `baseUrl`, or undefined when the URL is elsewhere. */
  relativePath(url: string): string | undefined;
}

export function createOperationTable(entries: readonly OperationEntry[], baseUrl: string): OperationTable {
  const byMethod = new Map<string, CompiledOperation[]>();
  /** Templates without parameters, by `METHOD path`: found without trying any pattern. */
  const literals = new Map<string, CompiledOperation>();
  const sorted = [...entries].sort((a, b) => specificity(b[1]) - specificity(a[1]));
  for (const [method, template, flags] of sorted) {
    const list = byMethod.get(method) ?? [];
    const op: CompiledOperation = {
      method,
      template,
      match: compilePattern(template),
      flags,
      literalSegments: literalSegmentsOf(template),
      literal: !/[{*]/.test(template),
    };
    list.push(op);
    byMethod.set(method, list);
    const key = `${method} ${template}`;
    if (op.literal && !literals.has(key)) literals.set(key, op);
  }
  // Templates that no template ahead of them in the ordered list could outrank on any path: a path made
  // from one of them is matched by it, if by anything.
  const unshadowed = new Map<string, Map<string, CompiledOperation>>();
  for (const [method, list] of byMethod) {
    const mine = new Map<string, CompiledOperation>();
    list.forEach((op, index) => {
      if (mine.has(op.template)) return;
      if (!list.slice(0, index).some((ahead) => mayOverlap(ahead.template, op.template))) mine.set(op.template, op);
    });
    unshadowed.set(method, mine);
  }
  // A literal template outranks every parameterised one that matches the same path (each capture
  // takes at least one character that is not counted as literal), but `**` may match nothing: with
  // wildcards among a method's templates, the ordered list decides.
  const wildcardMethods = new Set<string>(entries.filter(([, template]) => template.includes("*")).map(([m]) => m));
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/$/, "");
  const prefix = base.origin + basePath;

  // A template without `**` matches only paths with as many segments as it has (a capture or `*` takes
  // one segment, a literal cannot hold a slash): each path tries those, and the wildcard templates,
  // in the same specificity order as the whole list.
  const candidates = new Map<string, CompiledOperation[]>();
  const candidatesFor = (method: string, list: readonly CompiledOperation[], path: string): CompiledOperation[] => {
    const segments = countSegments(path);
    const key = `${method} ${segments}`;
    let matching = candidates.get(key);
    if (!matching) {
      matching = list.filter((op) => op.template.includes("**") || countSegments(op.template) === segments);
      // Bounded: one list per method and segment count that paths have had (a path has few segments).
      if (candidates.size < 1024) candidates.set(key, matching);
    }
    return matching;
  };

  const found = (op: CompiledOperation, path: string, params: Record<string, string>): MatchedOperation => {
    const match: MatchedOperation = { method: op.method, template: op.template, path, params };
    if (op.flags) {
      match.flags = op.flags;
      if (op.flags.deprecated) match.deprecated = true;
    }
    return match;
  };

  return {
    find(method, path) {
      const upper = method.toUpperCase();
      const list = byMethod.get(upper);
      if (!list) return undefined;
      if (!wildcardMethods.has(upper)) {
        const literal = literals.get(`${upper} ${path}`);
        if (literal) return found(literal, path, {});
      }
      // Plain segments are compared before a template's pattern runs: most candidates fail there.
      const segments = path.split("/");
      for (const op of candidatesFor(upper, list, path)) {
        if (!literalsMatch(op, segments)) continue;
        const params = op.match(path);
        if (params) return found(op, path, params);
      }
      return undefined;
    },
    findByTemplate(method, template, path) {
      const op = unshadowed.get(method)?.get(template);
      if (!op) return undefined;
      if (op.literal) return path === template ? found(op, path, {}) : undefined;
      const params = op.match(path);
      return params ? found(op, path, params) : undefined;
    },
    relativePath(url) {
      // Several layers ask for the path of the same URL in one call (operations, routes, sticky).
      if (url === lastRelative.url && prefix === lastRelative.prefix) return lastRelative.path;
      const path = relativePathOf(url);
      lastRelative.url = url;
      lastRelative.prefix = prefix;
      lastRelative.path = path;
      return path;
    },
  };

  function relativePathOf(url: string): string | undefined {
    // Fast path for URLs as a Request serializes them: the base followed by a path that URL parsing
    // would leave as it is. Anything else (dot segments, characters it would escape) is parsed.
    if (url.startsWith(prefix)) {
      const rest = url.slice(prefix.length);
      const end = rest.search(/[?#]/);
      const path = end < 0 ? rest : rest.slice(0, end);
      if (path === "") return "/";
      if (NORMALISED_PATH.test(path)) return path;
    }
    const parsed = new URL(url);
    if (parsed.origin !== base.origin) return undefined;
    const rest = parsed.pathname.slice(basePath.length);
    if (!parsed.pathname.startsWith(basePath) || (rest && !rest.startsWith("/"))) return undefined;
    return rest || "/";
  }
}

/** The last URL any table turned into a relative path, with the base it was relative to. */
const lastRelative: { url: string; prefix: string; path: string | undefined } = {
  url: "",
  prefix: "",
  path: undefined,
};

/** Whether some path could match both templates: `**` aside, the same segment count and no two plain segments that differ. */
function mayOverlap(a: string, b: string): boolean {
  if (a.includes("**") || b.includes("**")) return true;
  const left = a.split("/");
  const right = b.split("/");
  if (left.length !== right.length) return false;
  return left.every((segment, i) => {
    const other = right[i] as string;
    return segment === other || /[{}*]/.test(segment) || /[{}*]/.test(other);
  });
}

/** Positions and text of a template's segments that hold no capture and no wildcard. */
function literalSegmentsOf(template: string): [number, string][] {
  if (template.includes("**")) return [];
  const literal: [number, string][] = [];
  template.split("/").forEach((segment, index) => {
    if (segment !== "" && !/[{}*]/.test(segment)) literal.push([index, segment]);
  });
  return literal;
}

function literalsMatch(op: CompiledOperation, segments: readonly string[]): boolean {
  for (const [index, text] of op.literalSegments) if (segments[index] !== text) return false;
  return true;
}

function countSegments(path: string): number {
  let count = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47 /* / */) count++;
  return count;
}

/** Segments of characters WHATWG URL parsing keeps unchanged in a path, none starting with a dot or an escaped dot. */
const NORMALISED_PATH = /^(?:\/(?![.]|%2e)[A-Za-z0-9\-_~!$&'()*+,;=:@%.]*)+$/i;

/** Outermost layer: records the matched operation in the call context. */
export function matchOperations(table: OperationTable): Layer {
  return (next) => (request, context) => {
    if (!context.operation) {
      const path = table.relativePath(request.url);
      if (path !== undefined) {
        // A typed call names its template: one lookup, unless a template ahead of it could match too.
        const template = isLightRequest(request) ? request.template : undefined;
        const op =
          (template !== undefined ? table.findByTemplate(request.method, template, path) : undefined) ??
          table.find(request.method, path);
        context.operation = op ?? { method: request.method, template: path, path, params: {} };
      }
    }
    return next(request, context);
  };
}
