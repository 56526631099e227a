/** Small statistics helpers: medians and sliding-window counts. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface WindowCounts {
  /** Most starts in any half-open window [t, t + windowMs). */
  maxInWindow: number;
  /** How many windows [tᵢ, tᵢ + windowMs), one anchored at each start tᵢ, hold more than `limit` starts. */
  windowsOverLimit: number;
}

/**
 * Counts starts in every half-open window anchored at a start. The busiest window of any placement
 * is always one that begins at a start, so anchoring there finds the true maximum.
 */
export function windowCounts(times: readonly number[], windowMs: number, limit: number): WindowCounts {
  const sorted = [...times].sort((a, b) => a - b);
  let maxInWindow = 0;
  let windowsOverLimit = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start] as number;
    if (end < start) end = start;
    while (end < sorted.length && (sorted[end] as number) < from + windowMs) end++;
    const count = end - start;
    if (count > maxInWindow) maxInWindow = count;
    if (count > limit) windowsOverLimit++;
  }
  return { maxInWindow, windowsOverLimit };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
