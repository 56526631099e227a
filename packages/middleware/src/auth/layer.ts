/**
 * The auth layer: sets the provider's headers on every request and, after a 401, lets the
 * provider refresh once and replays the call once. A second 401 is returned to the caller as
 * it is (no loop; the error mapping above decides what a 401 means). A request with a body is
 * cloned before the first send only when the provider can refresh (a bodiless one is simply built
 * again), so static credentials and GETs cost one copy: the one that carries the credentials, which
 * the caller's Request never does.
 */
import { disposable, isDisposable } from "../compose.js";
import type { Layer, Observer } from "../types.js";
import type { CredentialProvider } from "./provider.js";

export interface AuthLayerOptions {
  /** Receives `token.refresh` / `token.refreshed` from refreshing providers. */
  observer?: Observer;
}

export function auth(provider: CredentialProvider, options: AuthLayerOptions = {}): Layer {
  if (options.observer) provider.observe?.(options.observer);
  // One copy per send, made before the credentials are set on it, so they never reach the caller's object.
  // The copy does not follow the caller's signal (`signal: null`): following costs a listener, a new
  // AbortSignal and a finalizer entry per copy, most of this layer's cost. The attempt's signal travels
  // in `context.signal` instead, which every layer below and the fetch adapter read first.
  // A disposable request (one nobody outside the stack holds) takes the credentials in place: no copy.
  const withCredentials = (request: Request, signal: AbortSignal): Request | Promise<Request> => {
    const sent = isDisposable(request) ? request : new Request(request, { signal: null });
    const applying = provider.apply(sent.headers, signal);
    return applying ? applying.then(() => disposable(sent)) : disposable(sent);
  };
  return (next) => async (request, context) => {
    context.identity ??= provider.identity;
    const outer = context.signal;
    const signal = outer ?? request.signal;
    context.signal = signal;
    try {
      const canReplay = provider.onUnauthorized !== undefined;
      // Copying a request takes its body; without a body the original can be copied again for the replay.
      const spare = canReplay ? (request.body === null ? request : request.clone()) : undefined;
      const prepared = withCredentials(request, signal);
      const sent = "then" in prepared ? await prepared : prepared;
      const response = await next(sent, context);
      if (response.status !== 401 || !spare || !provider.onUnauthorized) return response;
      let replay: boolean;
      try {
        replay = await provider.onUnauthorized(sent.headers, signal);
      } catch (error) {
        await response.body?.cancel();
        throw error;
      }
      if (!replay) return response;
      await response.body?.cancel();
      return await next(await withCredentials(spare, signal), context);
    } finally {
      context.signal = outer;
    }
  };
}
