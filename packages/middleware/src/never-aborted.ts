/**
 * The signal of a call made without one (a light request's default): nobody holds its controller, so it
 * never aborts. A module of its own, so that layers which only need to recognise it (throttle, timeout)
 * do not bring the light request into a bundle.
 */

/** One per process (a registered symbol), so that every copy of this module knows it. */
export const NEVER_ABORTED = neverAbortedSignal();

function neverAbortedSignal(): AbortSignal {
  const registry = globalThis as Record<symbol, AbortSignal | undefined>;
  const key = Symbol.for("brokerkit.neverAborted");
  if (!registry[key]) {
    const signal = new AbortController().signal;
    // Its abort listeners would never be called: keeping none spares every waiting call a listener
    // entry on this one shared signal (and Node's "possible EventTarget memory leak" warning past 10).
    signal.addEventListener = () => {};
    signal.removeEventListener = () => {};
    registry[key] = signal;
  }
  return registry[key];
}

/** Whether `signal` can never abort (a light request's default): no listener on it is ever called. */
export function neverAborts(signal: AbortSignal): boolean {
  return signal === NEVER_ABORTED;
}
