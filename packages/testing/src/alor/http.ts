/**
 * The ALOR simulator's HTTP vocabulary: replies as values (so they can be stored for X-REQID replays or
 * dropped on purpose), errors that carry their reply, route matching and strict parameter parsing.
 */
import type { ServerResponse } from "node:http";
import { matchSegments } from "../path-template.js";
import type { SimRequest } from "../server.js";
import { sendJson } from "../server.js";

export interface Reply {
  status: number;
  /** A JSON value, or the text of a text/plain body. */
  body: unknown;
  kind: "json" | "text";
  headers?: Record<string, string>;
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  body,
  kind: "json",
  ...(headers ? { headers } : {}),
});

export const text = (body: string, status = 200): Reply => ({ status, body, kind: "text" });

/** Thrown by handlers; the simulator answers with its reply. */
export class SimHttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export const fail = (status: number, message: string): SimHttpError => new SimHttpError(json({ message }, status));

export function send(res: ServerResponse, reply: Reply): void {
  if (reply.kind === "json") {
    sendJson(res, reply.status, reply.body, reply.headers);
    return;
  }
  res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8", ...reply.headers });
  res.end(String(reply.body));
}

/** Matches `/md/v2/Securities/{exchange}/{symbol}`-style patterns; literal segments ignore case, as ALOR's do. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  return matchSegments(pattern.split("/"), path.split("/"), { ignoreCase: true });
}

export function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === "") throw fail(400, `query parameter '${name}' is required`);
  return value;
}

export function intParam(query: URLSearchParams, name: string, bounds: { min?: number; max?: number } = {}) {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw fail(400, `query parameter '${name}' must be an integer, got '${raw}'`);
  if (bounds.min !== undefined && value < bounds.min)
    throw fail(400, `query parameter '${name}' must be ≥ ${bounds.min}`);
  if (bounds.max !== undefined && value > bounds.max)
    throw fail(400, `query parameter '${name}' must be ≤ ${bounds.max}`);
  return value;
}

export function numberParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw fail(400, `query parameter '${name}' must be a number, got '${raw}'`);
  return value;
}

export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw === "true" || raw === "false") return raw === "true";
  throw fail(400, `query parameter '${name}' must be true or false, got '${raw}'`);
}

export function enumValue<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw fail(400, `${what} must be one of ${allowed.join(", ")}, got '${value}'`);
}

/** A JSON request body as an object, or a 400 naming what is wrong. */
export function bodyObject(req: SimRequest): Record<string, unknown> {
  if (req.json && typeof req.json === "object" && !Array.isArray(req.json)) return req.json as Record<string, unknown>;
  throw fail(400, req.body ? "request body must be a JSON object" : "request body is required");
}
