/** The exact sliding-window schedule: the reference every limiter is measured against. */

/**
 * Start times under the exact schedule, for calls submitted (in this order) at `submitted`: a call
 * starts as soon as it is submitted, after the call before it, and once fewer than `limit` calls
 * started in the preceding `windowMs` (so the call `limit` places before it started ≥ windowMs ago).
 */
export function idealStarts(submitted: readonly number[], limit: number, windowMs: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < submitted.length; i++) {
    let at = submitted[i] as number;
    if (i > 0) at = Math.max(at, starts[i - 1] as number);
    if (i >= limit) at = Math.max(at, (starts[i - limit] as number) + windowMs);
    starts.push(at);
  }
  return starts;
}
