import { toAbortSignal } from "./attempt-signal.js";
import { isLightRequest, takesLightRequests, toTransportRequest } from "./light-request.js";
import type { CallContext, FetchLike, Handler, Layer } from "./types.js";

/** Sends a request through a fetch with extra fetch options, e.g. `{ redirect: "manual" }`. */
export type Transport = (request: Request, context: CallContext, init: RequestInit) => Promise<Response>;

/** The handlers made by fromFetch, each with its transport. */
const transports = new WeakMap<Handler, Transport>();

/**
 * Adapts a plain fetch into the innermost handler. A light request (light-request.ts) becomes a real
 * Request here, once, and an attempt signal a real AbortSignal, unless the fetch takes both as they are
 * (the default transport).
 */
export function fromFetch(fetchImpl: FetchLike = globalThis.fetch): Handler {
  const light = takesLightRequests(fetchImpl);
  const send = (request: Request, init: RequestInit | undefined): Promise<Response> => {
    try {
      if (light) return fetchImpl(request, init);
      // Any other fetch gets a real Request and a real AbortSignal (attempt-signal.ts).
      const signal = toAbortSignal(init?.signal ?? undefined);
      return fetchImpl(toTransportRequest(request), signal ? { ...init, signal } : init);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const handler: Handler = (request, context) => send(request, context.signal ? { signal: context.signal } : undefined);
  transports.set(handler, (request, context, init) =>
    send(request, context.signal ? { ...init, signal: context.signal } : init),
  );
  return handler;
}

/**
 * The transport behind `next` when `next` is the fetch adapter itself. A layer right above the fetch
 * can then hand fetch options over with the request instead of copying the request to carry them:
 * fetch builds its own copy of every request anyway, so the options cost nothing there.
 */
export function transportOf(next: Handler): Transport | undefined {
  return transports.get(next);
}

/**
 * Requests a layer created for one attempt and handed on, held by nobody outside the stack. A layer
 * below may set headers on such a request in place instead of copying it: every copy of a Request
 * costs a new AbortSignal that follows the old one, a header list and finalizer bookkeeping, which
 * together were most of the stack's own cost per call. A layer that does so must remember what it
 * overwrote, because a layer between may send the same object again (retry of a bodiless request).
 */
const disposables = objectFlag<Request>("brokerkit.disposable");

/** Marks a request this layer just created, and hands on only once, as disposable. */
export function disposable(request: Request): Request {
  return disposables.mark(request);
}

export function isDisposable(request: Request): boolean {
  // A light request is only ever seen by the stack (see light-request.ts).
  return isLightRequest(request) || disposables.has(request);
}

/**
 * Responses whose body the stack has read whole (the body layer): no deadline can cut them any more,
 * so the timeout layer releases its deadline at once instead of waiting for the caller's read.
 */
const buffered = objectFlag<Response>("brokerkit.buffered");

export function markBuffered(response: Response): Response {
  return buffered.mark(response);
}

export function isBuffered(response: Response): boolean {
  return buffered.has(response);
}

/** A yes/no mark on the stack's own objects: a symbol-keyed property, cheaper per call than a WeakSet entry and invisible to callers. */
function objectFlag<T extends object>(description: string): { mark(object: T): T; has(object: T): boolean } {
  const key = Symbol(description);
  return {
    mark(object) {
      (object as Record<symbol, unknown>)[key] = true;
      return object;
    },
    has: (object) => (object as Record<symbol, unknown>)[key] === true,
  };
}

/**
 * Builds a handler from layers, outermost first: compose(fetch, [a, b]) runs a(b(fetch)).
 */
export function compose(inner: Handler, layers: readonly Layer[]): Handler {
  let handler = inner;
  for (let i = layers.length - 1; i >= 0; i--) handler = (layers[i] as Layer)(handler);
  return handler;
}

/** Turns a handler back into a fetch, creating a fresh context per call. */
export function toFetch(handler: Handler, seed?: (request: Request) => Partial<CallContext>): FetchLike {
  return (input, init) => {
    // Like fetch, a failure is a rejected promise, never a throw (layers may fail synchronously).
    try {
      const request =
        init === undefined && (isLightRequest(input) || input instanceof Request)
          ? input
          : new Request(toTransportRequest(input), init);
      const context: CallContext = { attempt: 1, ...seed?.(request) };
      return handler(request, context);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
