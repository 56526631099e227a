/**
 * Token lifecycle shared by the refreshing providers:
 * - reuse the current token until `expiresAt − skewMs`;
 * - single flight: every caller that finds the token stale awaits the same exchange;
 * - a floor: an exchange never starts sooner than `minIntervalMs` after the previous one ended;
 * - after a 401, refresh only if the rejected token is still the current one.
 * The token set lives behind `TokenStore`, so a shared (e.g. Redis) store can replace memory.
 * Single flight is per process. A shared store that also offers a `refreshLock` extends it across
 * processes: one process exchanges under the lock, the others wait for the token it stores.
 * The set last read from or written to the store is reused while it is fresh, so a shared store (a
 * Redis GET and a decryption) is read once per token, not once per call. A token another process
 * stores early (after a 401 there) is picked up at this process's own 401, which reads the store.
 */
import { AuthError } from "../errors.js";
import type { MiddlewareEvent } from "../events.js";
import { registerSecret } from "../redact.js";
import { sleep } from "../sleep.js";
import { abortable } from "./abortable.js";

export interface TokenSet {
  accessToken: string;
  /** Epoch ms; absent means "valid until the server says 401". */
  expiresAt?: number;
  /**
   * Epoch ms from which the token counts as stale and is refreshed, set when it was minted: `expiresAt`
   * less the skew, or less half its lifetime when that is shorter, so a short-lived token is still used.
   */
  refreshAt?: number;
  refreshToken?: string;
  refreshTokenExpiresAt?: number;
}

export interface TokenStore {
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  set(tokens: TokenSet): void | Promise<void>;
  /**
   * A store that can serve several credentials returns the one of `identity` (e.g. its own Redis key).
   * Providers call it once, with their non-secret identity; stores without it hold one token set.
   */
  forIdentity?(identity: string): TokenStore;
  /** Present on stores shared between processes: makes one process at a time exchange tokens. */
  readonly refreshLock?: RefreshLock;
}

/** Cross-process mutual exclusion around a token exchange (e.g. a Redis lock with a timeout). */
export interface RefreshLock {
  /** Takes the lock, or resolves undefined while another process holds it. Rejects when the store fails. */
  tryAcquire(): Promise<HeldRefreshLock | undefined>;
}

export interface HeldRefreshLock {
  /** How long the shared floor (the previous exchange of any process) still forbids an exchange, in ms. */
  readonly floorMs: number;
  /**
   * Gives the lock up. After an exchange (successful or not) pass `floorMs`, the time no process may
   * exchange again. Never rejects: a lock that cannot be released expires by itself.
   */
  release(floorMs?: number): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  #tokens: TokenSet | undefined;
  constructor(initial?: TokenSet) {
    this.#tokens = initial;
  }
  get(): TokenSet | undefined {
    return this.#tokens;
  }
  set(tokens: TokenSet): void {
    this.#tokens = tokens;
  }
}

export type RefreshReason = "initial" | "expired" | "401";

/** Polling for another process's refresh: first retry after this, doubling up to the max. */
const LOCK_POLL_FIRST_MS = 20;
const LOCK_POLL_MAX_MS = 250;
const DEFAULT_LOCK_WAIT_MS = 60_000;

export interface TokenLifecycleOptions {
  /** Provider name for events. */
  name: string;
  /** Performs one exchange. Receives the current set (for its refresh token). */
  mint(current: TokenSet | undefined): Promise<TokenSet>;
  /** Runs after a new set is stored (e.g. the rotated-refresh-token persist hook). */
  afterMint?(next: TokenSet, previous: TokenSet | undefined): void | Promise<void>;
  store: TokenStore;
  skewMs: number;
  minIntervalMs: number;
  /**
   * The broker's documented token lifetime, assumed for a token that arrives already expired (a server
   * clock behind ours, `expires_in: 0`). Without it such a token is used until a 401.
   */
  fallbackLifetimeMs?: number | undefined;
  /** Longest wait for another process's exchange under a shared refresh lock. Default 60 s. */
  lockWaitMs?: number | undefined;
  emit(event: MiddlewareEvent): void;
}

export interface TokenLifecycle {
  /** A valid access token, refreshing first when the current one is missing or stale. */
  accessToken(signal?: AbortSignal): Promise<string>;
  /** What accessToken would resolve to at once, when it needs no wait (fresh in memory, no exchange running). */
  freshToken(): string | undefined;
  /** After a 401 with `rejected`: true when a different token is now current. */
  renew(rejected: string | undefined, signal?: AbortSignal): Promise<boolean>;
}

export function createTokenLifecycle(options: TokenLifecycleOptions): TokenLifecycle {
  const { store, skewMs, minIntervalMs } = options;
  let inflight: Promise<TokenSet> | undefined;
  /** What the store held when last read or written; reused until it goes stale. */
  let known: TokenSet | undefined;
  const read = async (): Promise<TokenSet | undefined> => {
    known = await store.get();
    return known;
  };
  /** When the last exchange settled (success or failure); the floor counts from here. */
  let lastSettledAt = Number.NEGATIVE_INFINITY;

  const isFresh = (tokens: TokenSet | undefined): tokens is TokenSet =>
    tokens !== undefined &&
    (tokens.expiresAt === undefined || Date.now() < (tokens.refreshAt ?? tokens.expiresAt - skewMs));
  /** Set while the server keeps handing out tokens that are expired on arrival: the event is sent once. */
  let skewReported = false;

  /** The set expiring at `expiresAt`, `lifetimeMs` from now: refreshed `skewMs` early, or half-way if sooner. */
  const expiring = (tokens: TokenSet, expiresAt: number, lifetimeMs: number): TokenSet => ({
    ...tokens,
    expiresAt,
    refreshAt: expiresAt - Math.min(skewMs, lifetimeMs / 2),
  });

  /** When to refresh `next`, and what to do with a token that is already expired when it arrives. */
  function scheduleRefresh(next: TokenSet): TokenSet {
    const { expiresAt } = next;
    if (expiresAt === undefined) return next;
    const now = Date.now();
    if (expiresAt > now) {
      skewReported = false;
      return expiring(next, expiresAt, expiresAt - now);
    }
    // Refreshing now would bring another expired token: reuse this one for the documented lifetime.
    const lifetimeMs = options.fallbackLifetimeMs;
    if (!skewReported) {
      skewReported = true;
      options.emit({
        type: "token.clockSkew",
        provider: options.name,
        expiredByMs: now - expiresAt,
        ...(lifetimeMs === undefined ? {} : { assumedLifetimeMs: lifetimeMs }),
      });
    }
    const { expiresAt: _expired, refreshAt: _stale, ...rest } = next;
    return lifetimeMs === undefined ? rest : expiring(rest, now + lifetimeMs, lifetimeMs);
  }

  /** Exchanges now (after the floor): the one place that calls `mint`. */
  async function exchange(reason: RefreshReason, sharedFloorMs = 0): Promise<TokenSet> {
    const wait = Math.max(lastSettledAt + minIntervalMs - Date.now(), sharedFloorMs);
    if (wait > 0) await sleep(wait);
    // Read afresh: another process may have rotated the refresh token this exchange must use.
    const previous = await read();
    options.emit({ type: "token.refresh", provider: options.name, reason });
    try {
      const next = scheduleRefresh(await options.mint(previous));
      registerSecret(next.accessToken);
      registerSecret(next.refreshToken);
      await store.set(next);
      known = next;
      await options.afterMint?.(next, previous);
      const { expiresAt } = next;
      options.emit({
        type: "token.refreshed",
        provider: options.name,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      return next;
    } finally {
      lastSettledAt = Date.now();
    }
  }

  /**
   * With a shared lock: exchange only while holding it, and only if no other process stored a usable
   * token meanwhile; otherwise poll the store (bounded backoff) until the holder's token appears or the
   * lock is free again (the holder finished, failed, or crashed and its lock expired).
   */
  async function exchangeShared(lock: RefreshLock, reason: RefreshReason, rejected: string | undefined) {
    const usable = (tokens: TokenSet | undefined): tokens is TokenSet =>
      isFresh(tokens) && (rejected === undefined || tokens.accessToken !== rejected);
    const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    const giveUpAt = Date.now() + lockWaitMs;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > giveUpAt) {
        throw new AuthError(
          `${options.name}: waited ${lockWaitMs} ms for another process's token exchange under the shared refresh lock, and no usable token appeared`,
        );
      }
      const held = await lock.tryAcquire();
      if (held) {
        let exchanged = false;
        try {
          const current = await read();
          if (usable(current)) return current;
          exchanged = true;
          return await exchange(reason, held.floorMs);
        } finally {
          await held.release(exchanged ? minIntervalMs : undefined);
        }
      }
      await sleep(Math.min(LOCK_POLL_MAX_MS, LOCK_POLL_FIRST_MS * 2 ** attempt));
      const current = await read();
      if (usable(current)) return current;
    }
  }

  // Must be called synchronously after checking `inflight`, so concurrent callers share it.
  function refresh(reason: RefreshReason, rejected?: string): Promise<TokenSet> {
    const lock = store.refreshLock;
    const run = lock ? exchangeShared(lock, reason, rejected) : exchange(reason);
    inflight = run;
    const done = () => {
      if (inflight === run) inflight = undefined;
    };
    run.then(done, done);
    return run;
  }

  return {
    freshToken() {
      return inflight === undefined && isFresh(known) ? known.accessToken : undefined;
    },
    async accessToken(signal) {
      if (inflight) return (await abortable(inflight, signal)).accessToken;
      if (isFresh(known)) return known.accessToken;
      const current = await read();
      if (isFresh(current)) return current.accessToken;
      // Another caller may have started the exchange while we awaited the store.
      const shared = inflight ?? refresh(current ? "expired" : "initial");
      return (await abortable(shared, signal)).accessToken;
    },
    async renew(rejected, signal) {
      if (inflight) return (await abortable(inflight, signal)).accessToken !== rejected;
      // Always from the store: the rejected token may be the one remembered here.
      const current = await read();
      if (current && current.accessToken !== rejected) return true;
      const shared = inflight ?? refresh("401", rejected);
      return (await abortable(shared, signal)).accessToken !== rejected;
    },
  };
}
