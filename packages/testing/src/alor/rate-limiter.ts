/**
 * ALOR's per-user limit as a sliding log: a request is admitted when fewer than `limit` admitted requests
 * of the same user arrived in the `windowMs` before it. Refused requests do not count against the user.
 */
export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

export class SlidingWindowLimiter {
  private readonly log = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
    if (!(windowMs > 0)) throw new Error(`rate window must be positive, got ${windowMs} ms`);
  }

  admit(key: string, now: number): Admission {
    const times = this.log.get(key) ?? [];
    while (times.length && now - (times[0] as number) >= this.windowMs) times.shift();
    if (times.length >= this.limit) return { ok: false, retryAfterMs: (times[0] as number) + this.windowMs - now };
    times.push(now);
    this.log.set(key, times);
    return { ok: true };
  }
}
