/**
 * The auth layer: sets the provider's headers on every request and, after a 401, lets the
 * provider refresh once and replays the call once. A second 401 is returned to the caller as
 * it is (no loop; the error mapping above decides what a 401 means). A request with a body is
 * cloned before the first send only when the provider can refresh (a bodiless one is simply built
 * again), so static credentials and GETs cost one copy: the one that carries the credentials, which
 * the caller's Request never does.
 */
import { disposable, isDisposable } from "../compose.js";
import { hasBody } from "../light-request.js";
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
  return (next) => (request, context) => {
    context.identity ??= provider.identity;
    const outer = context.signal;
    const signal = outer ?? request.signal;
    context.signal = signal;
    const restore = <T>(value: T): T => {
      context.signal = outer;
      return value;
    };
    const fail = (error: unknown): never => {
      context.signal = outer;
      throw error;
    };
    let spare: Request | undefined;
    let prepared: Request | Promise<Request>;
    try {
      // Copying a request takes its body; without a body the original can be copied again for the replay.
      spare = provider.onUnauthorized ? (hasBody(request) ? request.clone() : request) : undefined;
      prepared = withCredentials(request, signal);
    } catch (error) {
      return Promise.reject(restore(error));
    }
    // Promise callbacks rather than an async function: an answer other than 401 goes back without a frame.
    const send = (sent: Request): Promise<Response> => {
      let pending: Promise<Response>;
      try {
        pending = next(sent, context);
      } catch (error) {
        pending = Promise.reject(error);
      }
      return pending.then(
        (response) =>
          response.status === 401 && spare
            ? replayAfter401(response, sent, spare).then(restore, fail)
            : restore(response),
        fail,
      );
    };
    /** After a 401: the provider refreshes once, and the call is sent once more if it says so. */
    const replayAfter401 = async (response: Response, sent: Request, original: Request): Promise<Response> => {
      let replay: boolean;
      try {
        replay = await (provider.onUnauthorized as NonNullable<CredentialProvider["onUnauthorized"]>)(
          sent.headers,
          signal,
        );
      } catch (error) {
        await response.body?.cancel();
        throw error;
      }
      if (!replay) return response;
      await response.body?.cancel();
      return next(await withCredentials(original, signal), context);
    };
    return "then" in prepared ? prepared.then(send, fail) : send(prepared);
  };
}
