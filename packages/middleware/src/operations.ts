/**
 * Finds which spec operation a request is for, so that every later layer can read
 * `context.operation` instead of parsing the URL again.
 */
import type { OperationEntry, OperationFlags } from "./config.js";
import { compilePattern, type PathMatcher, specificity } from "./pattern.js";
import type { Layer, MatchedOperation } from "./types.js";

interface CompiledOperation {
  method: string;
  template: string;
  match: PathMatcher;
  flags: OperationFlags | undefined;
}

export interface OperationTable {
  /** Matches a path relative to the API base URL. */
  find(method: string, path: string): MatchedOperation | undefined;
  /** Path of `url` relative to `baseUrl`, or undefined when the URL is elsewhere. */
  relativePath(url: string): string | undefined;
}

export function createOperationTable(entries: readonly OperationEntry[], baseUrl: string): OperationTable {
  const byMethod = new Map<string, CompiledOperation[]>();
  const sorted = [...entries].sort((a, b) => specificity(b[1]) - specificity(a[1]));
  for (const [method, template, flags] of sorted) {
    const list = byMethod.get(method) ?? [];
    list.push({ method, template, match: compilePattern(template), flags });
    byMethod.set(method, list);
  }
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/$/, "");
  return {
    find(method, path) {
      const list = byMethod.get(method.toUpperCase());
      if (!list) return undefined;
      for (const op of list) {
        const params = op.match(path);
        if (params) {
          const found: MatchedOperation = {
            method: op.method,
            template: op.template,
            path,
            params,
          };
          if (op.flags) {
            found.flags = op.flags;
            if (op.flags.deprecated) found.deprecated = true;
          }
          return found;
        }
      }
      return undefined;
    },
    relativePath(url) {
      const parsed = new URL(url);
      if (parsed.origin !== base.origin) return undefined;
      const rest = parsed.pathname.slice(basePath.length);
      if (!parsed.pathname.startsWith(basePath) || (rest && !rest.startsWith("/"))) return undefined;
      return rest || "/";
    },
  };
}

/** Outermost layer: records the matched operation in the call context. */
export function matchOperations(table: OperationTable): Layer {
  return (next) => (request, context) => {
    if (!context.operation) {
      const path = table.relativePath(request.url);
      if (path !== undefined) {
        const op = table.find(request.method, path);
        context.operation = op ?? { method: request.method, template: path, path, params: {} };
      }
    }
    return next(request, context);
  };
}
