/**
 * Alpaca's request quota: `limit` requests per window per account, in fixed windows that start with the
 * account's first request. Every answer carries X-RateLimit-Limit, -Remaining and -Reset (Unix epoch
 * seconds at which the window refills); past the limit the answer is 429.
 */

export interface RateLimitOptions {
  /** Requests allowed per window. Alpaca: 200. */
  limit: number;
  /** Window length in milliseconds. Alpaca: one minute. */
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

interface Window {
  startedAt: number;
  used: number;
}

export class AccountRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: RateLimitOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new Error(`alpaca simulator: rateLimit.limit must be a positive integer, got ${options.limit}`);
    }
    if (!(options.windowMs > 0)) {
      throw new Error(`alpaca simulator: rateLimit.windowMs must be positive, got ${options.windowMs}`);
    }
  }

  /** Counts one request of `account` at `nowMs` (epoch ms) unless the window is exhausted. */
  take(account: string, nowMs: number): RateLimitDecision {
    let window = this.windows.get(account);
    if (!window || nowMs >= window.startedAt + this.options.windowMs) {
      window = { startedAt: nowMs, used: 0 };
      this.windows.set(account, window);
    }
    const allowed = window.used < this.options.limit;
    if (allowed) window.used++;
    const resetAt = window.startedAt + this.options.windowMs;
    return {
      allowed,
      headers: {
        "X-RateLimit-Limit": String(this.options.limit),
        "X-RateLimit-Remaining": String(this.options.limit - window.used),
        "X-RateLimit-Reset": String(Math.ceil(resetAt / 1000)),
      },
    };
  }
}
