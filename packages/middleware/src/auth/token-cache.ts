/**
 * Token lifecycle shared by the refreshing providers:
 * - reuse the current token until `expiresAt − skewMs`;
 * - single flight: every caller that finds the token stale awaits the same exchange;
 * - a floor: an exchange never starts sooner than `minIntervalMs` after the previous one ended;
 * - after a 401, refresh only if the rejected token is still the current one.
 * The token set lives behind `TokenStore`, so a shared (e.g. Redis) store can replace memory.
 * Single flight is per process; a shared store only shares the result.
 */
import type { MiddlewareEvent } from "../events.js";
import { registerSecret } from "../redact.js";
import { abortable, sleep } from "./abortable.js";

export interface TokenSet {
  accessToken: string;
  /** Epoch ms; absent means "valid until the server says 401". */
  expiresAt?: number;
  refreshToken?: string;
  refreshTokenExpiresAt?: number;
}

export interface TokenStore {
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  set(tokens: TokenSet): void | Promise<void>;
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
  emit(event: MiddlewareEvent): void;
}

export interface TokenLifecycle {
  /** A valid access token, refreshing first when the current one is missing or stale. */
  accessToken(signal?: AbortSignal): Promise<string>;
  /** After a 401 with `rejected`: true when a different token is now current. */
  renew(rejected: string | undefined, signal?: AbortSignal): Promise<boolean>;
}

export function createTokenLifecycle(options: TokenLifecycleOptions): TokenLifecycle {
  const { store, skewMs, minIntervalMs } = options;
  let inflight: Promise<TokenSet> | undefined;
  /** When the last exchange settled (success or failure); the floor counts from here. */
  let lastSettledAt = Number.NEGATIVE_INFINITY;

  const isFresh = (tokens: TokenSet | undefined): tokens is TokenSet =>
    tokens !== undefined && (tokens.expiresAt === undefined || Date.now() < tokens.expiresAt - skewMs);

  // Must be called synchronously after checking `inflight`, so concurrent callers share it.
  function refresh(reason: RefreshReason): Promise<TokenSet> {
    const run = (async () => {
      const wait = lastSettledAt + minIntervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      const previous = await store.get();
      options.emit({ type: "token.refresh", provider: options.name, reason });
      try {
        const next = await options.mint(previous);
        registerSecret(next.accessToken);
        registerSecret(next.refreshToken);
        await store.set(next);
        await options.afterMint?.(next, previous);
        options.emit(
          next.expiresAt === undefined
            ? { type: "token.refreshed", provider: options.name }
            : { type: "token.refreshed", provider: options.name, expiresAt: next.expiresAt },
        );
        return next;
      } finally {
        lastSettledAt = Date.now();
      }
    })();
    inflight = run;
    run.then(
      () => {
        if (inflight === run) inflight = undefined;
      },
      () => {
        if (inflight === run) inflight = undefined;
      },
    );
    return run;
  }

  return {
    async accessToken(signal) {
      if (inflight) return (await abortable(inflight, signal)).accessToken;
      const current = await store.get();
      if (isFresh(current)) return current.accessToken;
      // Another caller may have started the exchange while we awaited the store.
      const shared = inflight ?? refresh(current ? "expired" : "initial");
      return (await abortable(shared, signal)).accessToken;
    },
    async renew(rejected, signal) {
      if (inflight) return (await abortable(inflight, signal)).accessToken !== rejected;
      const current = await store.get();
      if (current && current.accessToken !== rejected) return true;
      const shared = inflight ?? refresh("401");
      return (await abortable(shared, signal)).accessToken !== rejected;
    },
  };
}
