import type { MiddlewareEvent } from "./events.js";
import type { Observer } from "./types.js";

/** Delivers an event; an observer that throws must never break the request it observes. */
export function notify(observer: Observer | undefined, event: MiddlewareEvent): void {
  if (!observer) return;
  try {
    observer(event);
  } catch {
    // Observers are for logging and metrics; their failures are theirs.
  }
}
