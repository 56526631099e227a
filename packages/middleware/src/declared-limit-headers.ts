/**
 * Reads a limit the manifest declares under the broker's own header names (e.g. Binance's
 * `X-MBX-USED-WEIGHT-1M`, counted in weight), as opposed to the `X-RateLimit-*` forms that
 * rate-limit-headers.ts recognises by themselves. Pure: pass `nowMs` for repeatable results.
 */
import type { RateLimitHeaderNames } from "./config.js";

export interface DeclaredLimitState {
  /** What is left of the limit, in the rule's unit. */
  remaining: number;
  /** Epoch ms at which the limit resets, when a reset header is declared and present. */
  resetAt?: number;
}

/** The state the declared headers report, or undefined when the response carries none of them. */
export function declaredLimitState(
  headers: Headers,
  names: RateLimitHeaderNames,
  limit: number,
  nowMs: number,
): DeclaredLimitState | undefined {
  const remaining = numberHeader(headers, names.remaining);
  const used = numberHeader(headers, names.used);
  if (remaining === undefined && used === undefined) return undefined;
  const state: DeclaredLimitState = { remaining: remaining ?? limit - (used as number) };
  const reset = numberHeader(headers, names.reset);
  if (reset !== undefined) state.resetAt = resetEpochMs(reset, names.resetUnit ?? "s", nowMs);
  return state;
}

function numberHeader(headers: Headers, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const text = headers.get(name)?.trim();
  if (!text) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function resetEpochMs(value: number, unit: NonNullable<RateLimitHeaderNames["resetUnit"]>, nowMs: number): number {
  switch (unit) {
    case "s":
      return nowMs + Math.ceil(value * 1000);
    case "ms":
      return nowMs + Math.ceil(value);
    case "epoch-s":
      return value * 1000;
    case "epoch-ms":
      return value;
  }
}
