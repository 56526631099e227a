import type { CallContext, FetchLike, Handler, Layer } from "./types.js";

/** Adapts a plain fetch into the innermost handler. */
export function fromFetch(fetchImpl: FetchLike = globalThis.fetch): Handler {
  return (request, context) => (context.signal ? fetchImpl(request, { signal: context.signal }) : fetchImpl(request));
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
    const request = init === undefined && input instanceof Request ? input : new Request(input, init);
    const context: CallContext = { attempt: 1, ...seed?.(request) };
    return handler(request, context);
  };
}
