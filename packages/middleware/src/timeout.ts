/**
 * A per-attempt deadline joined with the caller's AbortSignal. The deadline covers the response
 * headers and, for ordinary responses, reading the body, so nothing hangs forever; for operations the
 * spec or manifest flags as streams it ends at the headers, so a live stream is not cut (the body
 * layer's idle deadline guards it from there). What the server answers never switches the deadline
 * off: a mislabelled `text/event-stream` answer to a plain operation is still bounded.
 */
import { AttemptSignal } from "./attempt-signal.js";
import { isBuffered } from "./compose.js";
import { createDeadlineQueue } from "./deadline-queue.js";
import { ConfigError, TimeoutError } from "./errors.js";
import { responseHeader } from "./header-snapshot.js";
import { neverAborts } from "./never-aborted.js";
import { redactUrl } from "./redact.js";
import type { CallContext, Handler, Layer } from "./types.js";

export interface TimeoutOptions {
  /** Deadline of one attempt, in milliseconds. */
  timeoutMs: number;
}

type BodyReader = "arrayBuffer" | "blob" | "formData" | "json" | "text";
const BODY_READERS: readonly BodyReader[] = ["arrayBuffer", "blob", "formData", "json", "text"];

export function timeout(options: TimeoutOptions): Layer {
  return timeoutLayer(options, false);
}

/**
 * The timeout of a client's own stack (composeBrokerClient): each attempt gets an AttemptSignal instead
 * of an AbortController, because every layer below it there and the default transport take one
 * (attempt-signal.ts). A stack of someone else's layers gets `timeout`, with real AbortSignals.
 */
export function ownStackTimeout(options: TimeoutOptions): Layer {
  return timeoutLayer(options, true);
}

function timeoutLayer(options: TimeoutOptions, attemptSignals: boolean): Layer {
  const timeoutMs = options.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError(`timeout: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
  }

  const deadlines = createDeadlineQueue(timeoutMs);
  return (next: Handler): Handler =>
    (request: Request, context: CallContext): Promise<Response> => {
      // A layer above (auth) may hand the caller's signal over in the context instead of on the request.
      const caller = context.signal ?? request.signal;
      if (caller.aborted) return Promise.reject(caller.reason);
      const controller = attemptSignals ? new AttemptSignal() : new AbortController();
      let headersReceived = false;
      let deadlineError: TimeoutError | undefined;
      const onCallerAbort = () => controller.abort(caller.reason);
      // A call made without a signal has one that never aborts: nothing to listen to.
      const listening = !neverAborts(caller);
      const release = () => {
        deadlines.clear(deadline);
        if (listening) caller.removeEventListener("abort", onCallerAbort);
      };
      const deadline = deadlines.set(() => {
        const phase = headersReceived ? "while reading the response body" : "waiting for the response";
        deadlineError = new TimeoutError(
          `${request.method} ${redactUrl(request.url)} timed out after ${timeoutMs} ms ${phase}`,
          { method: request.method, url: request.url, timeoutMs },
        );
        caller.removeEventListener("abort", onCallerAbort);
        // Aborting with the TimeoutError makes a pending body read reject with it too.
        controller.abort(deadlineError);
      });
      if (listening) caller.addEventListener("abort", onCallerAbort, { once: true });

      const outer = context.signal;
      context.signal = controller instanceof AttemptSignal ? (controller as unknown as AbortSignal) : controller.signal;
      let pending: Promise<Response>;
      try {
        pending = next(request, context);
      } catch (error) {
        pending = Promise.reject(error);
      }
      // Promise callbacks rather than an async function: one frame and two hops less per attempt.
      return pending.then(
        (response) => {
          // Retry runs outside: the next attempt must not inherit this attempt's (maybe aborted) signal.
          context.signal = outer;
          headersReceived = true;
          if (context.operation?.flags?.stream) {
            // The deadline covered the wait for headers; from here only the caller may end the stream.
            deadlines.clear(deadline);
          } else if (
            isBuffered(response) ||
            response.body === null ||
            responseHeader(response, "content-length") === "0"
          ) {
            release();
          } else {
            releaseWhenBodyRead(response, release);
          }
          return response;
        },
        (error: unknown) => {
          context.signal = outer;
          release();
          if (caller.aborted) throw caller.reason;
          if (deadlineError) throw deadlineError;
          throw error;
        },
      );
    };
}

/**
 * Releases the deadline as soon as the body has been read through one of the Response methods.
 * Wrapping the body stream would cost a stream pipe per call; hooking the readers costs a closure.
 * A body read any other way (response.body) keeps the deadline until it fires, which is harmless
 * once the body is complete.
 */
function releaseWhenBodyRead(response: Response, release: () => void): void {
  for (const name of BODY_READERS) {
    const read = response[name] as (this: Response) => Promise<unknown>;
    if (typeof read !== "function") continue;
    (response as unknown as Record<BodyReader, () => Promise<unknown>>)[name] = () => {
      const reading = read.call(response);
      reading.then(release, release);
      return reading;
    };
  }
}
