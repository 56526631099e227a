/** The bearer provider behind every refreshing credential: lifecycle + observers + Authorization header. */
import type { AuthKind } from "../config.js";
import type { Observer } from "../types.js";
import type { CredentialProvider } from "./provider.js";
import { createTokenLifecycle, type TokenLifecycleOptions } from "./token-cache.js";

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
    async apply(headers, signal) {
      headers.set("authorization", `Bearer ${await lifecycle.accessToken(signal)}`);
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
