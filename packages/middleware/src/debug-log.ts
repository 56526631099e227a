/**
 * The debug log: one line per attempt, e.g.
 *   brokerkit alpaca/trading GET /v2/orders/{order_id} 200 attempt=1 12ms throttle_wait=0ms bucket=keys:ab12cd:per-account
 * It sits between retry and throttle, so it sees every attempt (a throttle refusal too) with the wait the
 * throttle imposed. Nothing secret is printed: the path is the spec's template, never the URL, and the
 * bucket and any error message pass through the middleware's redaction.
 */
import { redactText } from "./redact.js";
import type { Layer } from "./types.js";

/** Receives one finished line per attempt (for example `console.error`, or a logger's `debug`). */
export type DebugLogger = (line: string) => void;

export function debugLog(logger: DebugLogger, api: string): Layer {
  return (next) => async (request, context) => {
    const started = performance.now();
    context.throttle = undefined;
    const line = (outcome: string) => {
      const throttle = context.throttle;
      const template = context.operation?.template ?? new URL(request.url).pathname;
      const parts = [
        `brokerkit ${api} ${request.method} ${template} ${outcome}`,
        `attempt=${context.attempt}`,
        `${Math.round(performance.now() - started)}ms`,
        `throttle_wait=${throttle ? Math.round(throttle.waitMs) : 0}ms`,
        `bucket=${throttle?.buckets.map((b) => b.label).join(",") || "-"}`,
      ];
      try {
        logger(redactText(parts.join(" ")));
      } catch {
        // A failing logger must not fail the call.
      }
    };
    try {
      const response = await next(request, context);
      line(String(response.status));
      return response;
    } catch (error) {
      line(failureName(error));
      throw error;
    }
  };
}

/** A thrown error's name, with the system code fetch puts in its cause: `TypeError(ECONNREFUSED)`. */
function failureName(error: unknown): string {
  if (!(error instanceof Error)) return "error";
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${error.name}(${code})` : error.name;
}

/**
 * `BROKERKIT_DEBUG=1` (or `true`) in the environment, read without assuming Node: browsers have no
 * `process`, and Deno without --allow-env throws on reading it.
 */
export function debugFromEnvironment(): boolean {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.BROKERKIT_DEBUG?.trim().toLowerCase();
    return value === "1" || value === "true";
  } catch {
    return false;
  }
}
