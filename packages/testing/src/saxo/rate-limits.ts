/**
 * Saxo's quotas, enforced with a sliding log (stricter than a fixed window, so a client that passes here
 * passes there), and reported the way Saxo reports them:
 *   X-RateLimit-<Dimension>-Limit / -Remaining / -Reset (whole seconds until a slot frees up).
 * Dimensions: `Session` (per session and service group), `SessionOrders` (per session, order operations)
 * and `AppDay` (per app, reported only; 10,000,000 a day is out of a test's reach).
 */
import type { Reply } from "./reply.js";
import { saxoError } from "./reply.js";

interface Window {
  limit: number;
  windowMs: number;
}

interface Admitted {
  allowed: true;
  headers: Record<string, string>;
}

class SlidingLog {
  private readonly log = new Map<string, number[]>();

  constructor(private readonly window: Window) {}

  /** State of `key`'s window at `now`; takes nothing. */
  check(key: string, now: number): { allowed: boolean; remaining: number; resetSeconds: number } {
    const { limit, windowMs } = this.window;
    const recent = (this.log.get(key) ?? []).filter((at) => at > now - windowMs);
    this.log.set(key, recent);
    const oldest = recent[0];
    const resetSeconds = Math.max(1, Math.ceil(((oldest ?? now) + windowMs - now) / 1000));
    return { allowed: recent.length < limit, remaining: Math.max(0, limit - recent.length), resetSeconds };
  }

  take(key: string, now: number): void {
    const log = this.log.get(key);
    if (log) log.push(now);
    else this.log.set(key, [now]);
  }
}

export interface RateLimitSettings {
  sessionRequestLimit: number;
  sessionRequestWindowMs: number;
  orderLimit: number;
  orderWindowMs: number;
}

const APP_DAY_LIMIT = 10_000_000;

export class RateLimiter {
  private readonly session: SlidingLog;
  private readonly orders: SlidingLog;
  private appDayUsed = 0;

  constructor(private readonly settings: RateLimitSettings) {
    this.session = new SlidingLog({ limit: settings.sessionRequestLimit, windowMs: settings.sessionRequestWindowMs });
    this.orders = new SlidingLog({ limit: settings.orderLimit, windowMs: settings.orderWindowMs });
  }

  /**
   * Counts one request of `sessionId` to `service` (and one order operation when `isOrder`).
   * Returns the headers to add, or a 429 reply when a quota is exhausted (nothing is counted then).
   */
  admit(sessionId: string, service: string, isOrder: boolean): Admitted | { allowed: false; reply: Reply } {
    const now = performance.now();
    const sessionKey = `${sessionId}|${service}`;
    const session = this.session.check(sessionKey, now);
    const orders = isOrder ? this.orders.check(sessionId, now) : undefined;
    const allowed = session.allowed && (orders?.allowed ?? true);
    if (allowed) {
      this.session.take(sessionKey, now);
      if (isOrder) this.orders.take(sessionId, now);
      this.appDayUsed++;
    }
    const taken = allowed ? 1 : 0;
    const headers: Record<string, string> = {
      "X-RateLimit-AppDay-Limit": String(APP_DAY_LIMIT),
      "X-RateLimit-AppDay-Remaining": String(APP_DAY_LIMIT - this.appDayUsed),
      "X-RateLimit-AppDay-Reset": String(secondsToUtcMidnight()),
      "X-RateLimit-Session-Limit": String(this.settings.sessionRequestLimit),
      "X-RateLimit-Session-Remaining": String(session.remaining - taken),
      "X-RateLimit-Session-Reset": String(session.resetSeconds),
    };
    if (orders) {
      headers["X-RateLimit-SessionOrders-Limit"] = String(this.settings.orderLimit);
      headers["X-RateLimit-SessionOrders-Remaining"] = String(orders.remaining - taken);
      headers["X-RateLimit-SessionOrders-Reset"] = String(orders.resetSeconds);
    }
    if (allowed) return { allowed: true, headers };
    const dimension = session.allowed ? "SessionOrders" : "Session";
    return {
      allowed: false,
      reply: saxoError(
        429,
        "RateLimitExceeded",
        `Rate limit exceeded for dimension ${dimension}; retry after X-RateLimit-${dimension}-Reset seconds`,
        undefined,
        headers,
      ),
    };
  }
}

function secondsToUtcMidnight(): number {
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
}
