/**
 * Binance's per-IP request weight: every call adds its weight to sliding windows (one minute by default;
 * tests may add shorter ones or shrink them); a call that would take a window past its budget gets 429
 * with Retry-After (seconds until enough weight leaves), and a call sent while a 429's Retry-After still
 * runs gets the IP banned: 418 with Retry-After until the ban ends, for every call. Refused calls weigh
 * nothing. The used weight of the first window is reported in `X-MBX-USED-WEIGHT-<label>`.
 */

export interface WeightWindow {
  intervalMs: number;
  limit: number;
  /** Header suffix, e.g. `1M` for X-MBX-USED-WEIGHT-1M. */
  label: string;
}

export type WeightDecision =
  | { kind: "allowed"; headers: Record<string, string> }
  | { kind: "limited" | "banned"; retryAfterS: number; headers: Record<string, string> };

export class WeightLimiter {
  /** Accepted calls: server time (ms) and weight. */
  readonly accepted: { at: number; weight: number }[] = [];
  private warnedUntil = Number.NEGATIVE_INFINITY;
  private bannedUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windows: readonly WeightWindow[],
    private readonly banMs: number,
  ) {
    if (windows.length === 0) throw new Error("binance simulator: at least one weight window is needed");
  }

  /** Bans the IP for `ms` from `now`, as if 429s had been ignored. */
  ban(now: number, ms: number): void {
    this.bannedUntil = Math.max(this.bannedUntil, now + ms);
  }

  take(now: number, weight: number): WeightDecision {
    if (now < this.bannedUntil) return this.refuse("banned", this.bannedUntil - now, now);
    if (now < this.warnedUntil) {
      this.ban(now, this.banMs);
      return this.refuse("banned", this.banMs, now);
    }
    let waitMs = 0;
    for (const window of this.windows) {
      const used = this.used(now, window);
      if (used + weight > window.limit)
        waitMs = Math.max(waitMs, this.freedAfter(now, window, used + weight - window.limit));
    }
    if (waitMs > 0) {
      this.warnedUntil = now + waitMs;
      return this.refuse("limited", waitMs, now);
    }
    // Requests are decided when their body has arrived, not always in arrival order: keep the log sorted.
    let index = this.accepted.length;
    while (index > 0 && (this.accepted[index - 1] as { at: number }).at > now) index--;
    this.accepted.splice(index, 0, { at: now, weight });
    return { kind: "allowed", headers: this.headers(now) };
  }

  private refuse(kind: "limited" | "banned", ms: number, now: number): WeightDecision {
    return { kind, retryAfterS: Math.max(1, Math.ceil(ms / 1000)), headers: this.headers(now) };
  }

  private headers(now: number): Record<string, string> {
    const first = this.windows[0] as WeightWindow;
    return { [`X-MBX-USED-WEIGHT-${first.label}`]: String(this.used(now, first)) };
  }

  private used(now: number, window: WeightWindow): number {
    let used = 0;
    for (let i = this.accepted.length - 1; i >= 0; i--) {
      const call = this.accepted[i] as { at: number; weight: number };
      if (call.at <= now - window.intervalMs) break;
      used += call.weight;
    }
    return used;
  }

  /** Milliseconds until at least `excess` weight has left `window`. */
  private freedAfter(now: number, window: WeightWindow, excess: number): number {
    let freed = 0;
    for (const call of this.accepted) {
      if (call.at <= now - window.intervalMs) continue;
      freed += call.weight;
      if (freed >= excess) return call.at + window.intervalMs - now;
    }
    return window.intervalMs;
  }
}
