/**
 * Versioned routes: a manifest rule sends a retired route to its successor with the path
 * parameters kept (`/v1/accounts/{account_id}` → `/v2/accounts/{account_id}`), so consumer code
 * keeps working when a broker retires a version. Also reports, once per route, a route that the
 * spec marks deprecated or that the server answers with Deprecation / Sunset headers.
 */
import type { RouteRule } from "./config.js";
import { ConfigError } from "./errors.js";
import type { MiddlewareEvent } from "./events.js";
import { responseHeader } from "./header-snapshot.js";
import { copyRequest } from "./light-request.js";
import { createOperationTable, type OperationTable } from "./operations.js";
import { compilePattern, fillTemplate, type PathMatcher } from "./pattern.js";
import type { CallContext, Layer, MatchedOperation, Observer } from "./types.js";

export interface RoutesOptions {
  rules: readonly RouteRule[];
  /** API base URL; rule patterns are relative to it. */
  baseUrl: string;
  /** When given, the rewritten call's operation is looked up in it (template, flags). */
  table?: OperationTable;
  observer?: Observer;
}

interface CompiledRule {
  from: string;
  to: string;
  methods: Set<string> | undefined;
  match: PathMatcher;
}

/** Bounds memory when routes are keyed by concrete paths (no operation table). */
const MAX_REPORTED = 1_000;

export function routes(options: RoutesOptions): Layer {
  const { observer } = options;
  const compiled: CompiledRule[] = options.rules.map((rule) => {
    const fromNames = new Set([...rule.from.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]));
    for (const [, name] of rule.to.matchAll(/\{([^{}]+)\}/g)) {
      if (!fromNames.has(name)) {
        throw new ConfigError(`routes: rule "${rule.from}" → "${rule.to}" uses {${name}}, which "${rule.from}" lacks`);
      }
    }
    return {
      from: rule.from,
      to: rule.to,
      methods: rule.methods && new Set<string>(rule.methods),
      match: compilePattern(rule.from),
    };
  });
  const paths = createOperationTable([], options.baseUrl);
  const base = options.baseUrl.replace(/\/+$/, "");
  const rewritten = new Set<string>();
  const missed: { path: string | undefined; method: string | undefined } = { path: undefined, method: undefined };
  const deprecated = new Set<string>();

  const report = (event: MiddlewareEvent & { type: "deprecation" }) => {
    if (deprecated.has(event.route) || deprecated.size >= MAX_REPORTED) return;
    deprecated.add(event.route);
    observer?.(event);
  };
  const routeKey = (operation: MatchedOperation) => `${operation.method.toUpperCase()} ${operation.template}`;

  /** The request sent to the first rule's target that matches, with its operation in the context; else the request. */
  const rewrite = (request: Request, context: CallContext, method: string, path: string): Request => {
    for (const rule of compiled) {
      if (rule.methods && !rule.methods.has(method)) continue;
      const params = rule.match(path);
      if (!params) continue;
      const target = fillTemplate(rule.to, params);
      const key = `${rule.from} ${rule.to}`;
      if (!rewritten.has(key)) {
        rewritten.add(key);
        observer?.({ type: "route.rewrite", from: rule.from, to: rule.to });
      }
      context.operation = options.table?.find(method, target) ?? { method, template: rule.to, path: target, params };
      if (context.operation.deprecated)
        report({ type: "deprecation", route: routeKey(context.operation), reason: "spec" });
      return copyRequest(request, { url: base + target + new URL(request.url).search });
    }
    return request;
  };

  return (next) => (request, context) => {
    // The URL decides (not context.operation.path): only calls under this API's base are rewritten.
    const path = paths.relativePath(request.url);
    let outgoing = request;
    if (path !== undefined) {
      if (context.operation?.deprecated)
        report({ type: "deprecation", route: routeKey(context.operation), reason: "spec" });
      const method = request.method.toUpperCase();
      // Most calls match no rule, and an app calls the same paths again and again: the last miss is remembered.
      if (path !== missed.path || method !== missed.method) {
        outgoing = rewrite(request, context, method, path);
        if (outgoing === request) {
          missed.path = path;
          missed.method = method;
        }
      }
    }
    // Promise callbacks rather than an async function: no frame of its own per call.
    return next(outgoing, context).then((response) => {
      const notice = deprecationNotice(response);
      if (notice) {
        const route = context.operation
          ? routeKey(context.operation)
          : `${outgoing.method} ${new URL(outgoing.url).pathname}`;
        report({ type: "deprecation", route, reason: "header", ...notice });
      }
      return response;
    });
  };
}

/** `Deprecation` / `Sunset` headers (RFC 9745, RFC 8594), or a Link with rel=deprecation/sunset. */
function deprecationNotice(response: Response): { sunset?: string; link?: string } | undefined {
  const link = responseHeader(response, "link");
  const linked = link ? /<([^>]*)>\s*;[^,]*rel="?(?:deprecation|sunset)"?/i.exec(link)?.[1] : undefined;
  const sunset = responseHeader(response, "sunset");
  if (responseHeader(response, "deprecation") === null && !sunset && linked === undefined) return undefined;
  const notice: { sunset?: string; link?: string } = {};
  if (sunset) notice.sunset = sunset;
  if (linked !== undefined) notice.link = linked;
  return notice;
}
