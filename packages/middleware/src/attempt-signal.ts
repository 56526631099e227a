/**
 * The abort signal of one attempt, as the timeout layer makes it inside a client's own stack. It does
 * what an AbortSignal does for its readers (`aborted`, `reason`, `throwIfAborted`, abort listeners,
 * `onabort`) without being one: on Node 20 an AbortController and its EventTarget cost about as much
 * per attempt as the rest of the timeout layer, and every listener undici and the transport add to it
 * costs an EventTarget entry more. Here a listener is an array slot.
 *
 * Only code that knows it may receive one reads it: the layers below the timeout in composeBrokerClient
 * and the undici transport (undici takes any EventTarget-like signal). Where a real AbortSignal is needed
 * (the Request constructor, another fetch, a signing credential) `toAbortSignal` makes one that
 * follows it, once per attempt, and only on those paths.
 */

type OnAbort = (this: AbortSignal, event: Event) => unknown;
type AbortListener = OnAbort | { handleEvent(event: Event): unknown };

/** One brand per process (a registered symbol), so that every copy of this module knows the others' signals. */
const BRAND = Symbol.for("brokerkit.attemptSignal");

export class AttemptSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: AbortListener[] | undefined;
  /** The `onabort` handler and the listener that calls it, made only when a handler is set. */
  #onabort: { handler: OnAbort | null; listener: AbortListener } | undefined;
  #real: AbortController | undefined;

  get [BRAND](): true {
    return true;
  }

  get onabort(): OnAbort | null {
    return this.#onabort?.handler ?? null;
  }

  /**
   * As on an EventTarget, the handler runs in the place it was first set among the listeners. (Set to
   * null and then to a handler again, it keeps that place where an EventTarget would move it last.)
   */
  set onabort(handler: OnAbort | null) {
    if (this.#onabort) this.#onabort.handler = handler;
    else if (handler) {
      const slot = { handler, listener: (event: Event) => slot.handler?.call(this as unknown as AbortSignal, event) };
      this.#onabort = slot;
      this.addEventListener("abort", slot.listener);
    }
  }

  /** Aborts with `reason` and calls the listeners once, in the order they were added. */
  abort(reason: unknown = new DOMException("This operation was aborted", "AbortError")): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#real?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (!listeners) return;
    const event = new Event("abort");
    const self = this as unknown as AbortSignal;
    for (const listener of listeners) {
      try {
        if (typeof listener === "function") listener.call(self, event);
        else listener.handleEvent(event);
      } catch (error) {
        // As an EventTarget does: one failing listener neither stops the others nor the abort.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  addEventListener(type: string, listener: AbortListener | null): void {
    if (type !== "abort" || !listener || this.aborted) return;
    this.#listeners ??= [];
    // An EventTarget keeps one entry per listener.
    if (!this.#listeners.includes(listener)) this.#listeners.push(listener);
  }

  removeEventListener(type: string, listener: AbortListener | null): void {
    if (type !== "abort" || !listener || !this.#listeners) return;
    const at = this.#listeners.indexOf(listener);
    if (at >= 0) this.#listeners.splice(at, 1);
  }

  /** A real AbortSignal that aborts with this one (made once). */
  toAbortSignal(): AbortSignal {
    if (!this.#real) {
      this.#real = new AbortController();
      if (this.aborted) this.#real.abort(this.reason);
    }
    return this.#real.signal;
  }
}

/** Whether `signal` is an attempt signal rather than an AbortSignal. */
export function isAttemptSignal(signal: unknown): signal is AttemptSignal {
  return (signal as Record<symbol, unknown> | null | undefined)?.[BRAND] === true;
}

/** `signal` as a real AbortSignal: itself, or the one that follows an attempt signal. */
export function toAbortSignal(signal: AbortSignal): AbortSignal;
export function toAbortSignal(signal: AbortSignal | undefined): AbortSignal | undefined;
export function toAbortSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  return isAttemptSignal(signal) ? signal.toAbortSignal() : signal;
}
