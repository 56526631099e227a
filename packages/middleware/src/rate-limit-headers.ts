/**
 * Reads what a server says about its rate limits: `Retry-After` (seconds or HTTP-date), the plain
 * `X-RateLimit-Limit/-Remaining/-Reset` trio (Alpaca) and per-dimension forms
 * `X-RateLimit-<Dimension>-Limit/-Remaining/-Reset` (Saxo). Pure: pass `nowMs` for repeatable results.
 */
import type { RateLimitInfo } from "./errors.js";
import { headerNamesStartingWith } from "./header-snapshot.js";

/** One rate-limit dimension a response reported. `name` is "" for the plain `X-RateLimit-*` headers. */
export interface RateLimitDimension {
  name: string;
  limit?: number;
  remaining?: number;
  /** Epoch milliseconds at which the dimension resets. */
  resetAt?: number;
}

export const RATE_LIMIT_PREFIX = "x-ratelimit-";
const DIMENSION_HEADER = /^x-ratelimit-(?:(.+)-)?(limit|remaining|reset)$/;
/** IMF-fixdate, RFC 850 and asctime forms all start with a day name. */
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;
/** Reset values at or above this are Unix epoch seconds (2001-09-09 onwards); no server asks for a 31-year wait. */
const EPOCH_SECONDS_FLOOR = 1e9;
/** Reset values at or above this are Unix epoch milliseconds. */
const EPOCH_MS_FLOOR = 1e12;

/**
 * Milliseconds to wait from a `Retry-After` value: delta seconds (fractions allowed) or an HTTP-date.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Only an HTTP-date is left (it names a weekday or month); a negative or other number is garbage, not "now".
  if (!HTTP_DATE.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Epoch milliseconds of a `-Reset` value. Values ≥ 1e12 are epoch milliseconds, values ≥ 1e9 epoch
 * seconds (Alpaca), anything smaller is seconds from now (Saxo).
 */
export function parseResetValue(value: string, nowMs: number = Date.now()): number | undefined {
  const text = value.trim();
  if (!/^\d+(?:\.\d+)?$/.test(text)) {
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : date;
  }
  const number = Number(text);
  if (number >= EPOCH_MS_FLOOR) return number;
  if (number >= EPOCH_SECONDS_FLOOR) return number * 1000;
  return nowMs + Math.ceil(number * 1000);
}

/** Every rate-limit dimension in the headers, plain form first. */
export function parseRateLimitDimensions(headers: Headers, nowMs: number = Date.now()): RateLimitDimension[] {
  return dimensionsIn((name) => headers.get(name), headerNamesStartingWith(headers, RATE_LIMIT_PREFIX), nowMs);
}

/** The dimensions that the headers `names` (the `X-RateLimit-*` names present) report, plain form first. */
export function dimensionsIn(
  read: (name: string) => string | null,
  names: readonly string[] | undefined,
  nowMs: number,
): RateLimitDimension[] {
  if (!names) return [];
  const byName = new Map<string, RateLimitDimension>();
  for (const name of names) {
    const match = DIMENSION_HEADER.exec(name);
    if (!match) continue;
    const value = read(name) as string;
    const dimensionName = match[1] ?? "";
    let dimension = byName.get(dimensionName);
    if (!dimension) {
      dimension = { name: dimensionName };
      byName.set(dimensionName, dimension);
    }
    if (match[2] === "reset") {
      const resetAt = parseResetValue(value, nowMs);
      if (resetAt !== undefined) dimension.resetAt = resetAt;
    } else {
      const number = Number(value.trim());
      if (value.trim() !== "" && Number.isFinite(number)) dimension[match[2] as "limit" | "remaining"] = number;
    }
  }
  return [...byName.values()].sort((a, b) => (a.name === "" ? -1 : b.name === "" ? 1 : 0));
}

/** True when the dimension says no call is left before its reset. */
export function isExhausted(dimension: RateLimitDimension): boolean {
  return dimension.remaining !== undefined && dimension.remaining <= 0;
}

/**
 * The binding limit the headers describe: an exhausted dimension with the latest reset, else the
 * dimension with the fewest calls remaining; plus `Retry-After` when present.
 */
export function parseRateLimitHeaders(headers: Headers, nowMs: number = Date.now()): RateLimitInfo {
  const info: RateLimitInfo = {};
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), nowMs);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  let binding: RateLimitDimension | undefined;
  for (const dimension of parseRateLimitDimensions(headers, nowMs)) {
    if (!binding || bindsHarder(dimension, binding)) binding = dimension;
  }
  if (binding) {
    if (binding.limit !== undefined) info.limit = binding.limit;
    if (binding.remaining !== undefined) info.remaining = binding.remaining;
    if (binding.resetAt !== undefined) info.resetAt = binding.resetAt;
  }
  return info;
}

function bindsHarder(candidate: RateLimitDimension, current: RateLimitDimension): boolean {
  const a = candidate.remaining ?? Number.POSITIVE_INFINITY;
  const b = current.remaining ?? Number.POSITIVE_INFINITY;
  if (a <= 0 && b <= 0) return (candidate.resetAt ?? 0) > (current.resetAt ?? 0);
  return a < b;
}
