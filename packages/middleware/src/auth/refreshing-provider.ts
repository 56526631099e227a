/** The bearer provider behind every refreshing credential: lifecycle + observers + Authorization header. */
import type { AuthKind } from "../config.js";
import type { FetchLike, Observer } from "../types.js";
import type { CredentialProvider } from "./provider.js";
import { createTokenLifecycle, type TokenLifecycleOptions, type TokenStore } from "./token-cache.js";

/** The options every refreshing credential (refresh exchange, OAuth2) takes for its lifecycle. */
export interface RefreshingCredentialOptions {
  /** Scheme name for events and errors. */
  name?: string;
  /** Refresh this long before expiry. Default 60 s. */
  skewMs?: number;
  /** Never start an exchange sooner than this after the previous one ended. Default 1 s. */
  minIntervalMs?: number;
  /** Fetch used for the token endpoint (not the middleware stack). Default globalThis.fetch. */
  fetch?: FetchLike;
  /** Where the current token lives. Default in memory. */
  store?: TokenStore;
  /** Per-user throttle key. Default derived from a hash of the credential. */
  identity?: string;
  observer?: Observer;
  /** Deadline of one token request, headers and body. Default 30 s; clients pass their own timeoutMs. */
  timeoutMs?: number;
}

export interface RefreshingProviderOptions extends Omit<TokenLifecycleOptions, "emit"> {
  kind: AuthKind;
  identity: string;
  observer?: Observer | undefined;
}

export function refreshingProvider(options: RefreshingProviderOptions): CredentialProvider {
  const observers = new Set<Observer>();
  if (options.observer) observers.add(options.observer);
  const lifecycle = createTokenLifecycle({
    ...options,
    // A store serving several credentials keeps each one's tokens apart (e.g. one Redis key per identity).
    store: options.store.forIdentity?.(options.identity) ?? options.store,
    emit(event) {
      for (const observer of observers) {
        try {
          observer(event);
        } catch {
          // An observer's failure must not fail the call it observes.
        }
      }
    },
  });
  return {
    kind: options.kind,
    name: options.name,
    identity: options.identity,
    headerNames: ["authorization"],
    apply(headers, signal) {
      // A token in hand is set at once: most calls then pass this layer without a promise.
      const token = lifecycle.freshToken();
      if (token !== undefined) return void headers.set("authorization", `Bearer ${token}`);
      return lifecycle.accessToken(signal).then((fresh) => headers.set("authorization", `Bearer ${fresh}`));
    },
    onUnauthorized(rejected, signal) {
      const sent = rejected.get("authorization");
      return lifecycle.renew(sent?.startsWith("Bearer ") ? sent.slice(7) : undefined, signal);
    },
    observe(observer) {
      observers.add(observer);
    },
  };
}
