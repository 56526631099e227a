/**
 * The auth layer: sets the provider's headers on every request and, after a 401, lets the
 * provider refresh once and replays the call once. A second 401 is returned to the caller as
 * it is (no loop; the error mapping above decides what a 401 means). The request is cloned
 * before the first send only when the provider can refresh, so static credentials cost nothing.
 */
import type { Layer, Observer } from "../types.js";
import type { CredentialProvider } from "./provider.js";

export interface AuthLayerOptions {
  /** Receives `token.refresh` / `token.refreshed` from refreshing providers. */
  observer?: Observer;
}

export function auth(provider: CredentialProvider, options: AuthLayerOptions = {}): Layer {
  if (options.observer) provider.observe?.(options.observer);
  const withCredentials = async (request: Request, signal: AbortSignal | undefined) => {
    const headers = new Headers(request.headers);
    await provider.apply(headers, signal);
    return new Request(request, { headers });
  };
  return (next) => async (request, context) => {
    context.identity ??= provider.identity;
    const signal = context.signal ?? request.signal;
    const spare = provider.onUnauthorized ? request.clone() : undefined;
    const sent = await withCredentials(request, signal);
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
    return next(await withCredentials(spare, signal), context);
  };
}
