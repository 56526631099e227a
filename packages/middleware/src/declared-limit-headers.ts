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

/** `s` and `ms` count from now, `epoch-s` and `epoch-ms` from the Unix epoch. */
function resetEpochMs(value: number, unit: NonNullable<RateLimitHeaderNames["resetUnit"]>, nowMs: number): number {
  const scale = unit.endsWith("ms") ? 1 : 1000;
  return unit.startsWith("epoch") ? value * scale : nowMs + Math.ceil(value * scale);
}
