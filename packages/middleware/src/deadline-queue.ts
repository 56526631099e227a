/**
 * Deadlines of one fixed length behind a single timer. Set in order, they also fall due in that order,
 * so they form a queue: setting one is a push and clearing one a flag, where a timer per deadline
 * costs a timer object, its list entry and a native `unref` on every call. The timer is armed for the
 * oldest live deadline; when it fires, what is due expires and it is armed for the next one.
 * Cleared deadlines leave the queue as soon as nothing older is still pending: with answers that come
 * back roughly in order, the queue holds about as many entries as there are calls in flight.
 */

export interface Deadline {
  readonly at: number;
  /** Called once, when the deadline passes uncleared. */
  onExpire: (() => void) | undefined;
}

export interface DeadlineQueue {
  /** A deadline `ms` from now. */
  set(onExpire: () => void): Deadline;
  /** Clears a deadline (again is harmless); its callback is never called. */
  clear(deadline: Deadline): void;
  /** Entries held, cleared ones not yet dropped included. */
  readonly size: number;
}

const now = () => performance.now();
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createDeadlineQueue(ms: number): DeadlineQueue {
  const entries: Deadline[] = [];
  let head = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = (at: number) => {
    // Capped at the longest delay a timer takes (about 24.8 days); firing early only re-arms.
    timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(at - now()))));
    // A deadline never keeps the process alive by itself; the socket it guards does.
    (timer as { unref?: () => void }).unref?.();
  };

  /** Drops the cleared entries at the front, and the spent front of the array once it is most of it. */
  const trim = () => {
    while (head < entries.length && (entries[head] as Deadline).onExpire === undefined) head++;
    if (head === entries.length) {
      entries.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > entries.length) {
      entries.splice(0, head);
      head = 0;
    }
  };

  function fire(): void {
    timer = undefined;
    const time = now();
    while (head < entries.length) {
      const deadline = entries[head] as Deadline;
      const expire = deadline.onExpire;
      if (expire !== undefined && deadline.at > time) break;
      head++;
      deadline.onExpire = undefined;
      try {
        expire?.();
      } catch (error) {
        // The queue stays whole; the error is still reported, as a timer callback's would be.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    trim();
    if (head < entries.length) arm((entries[head] as Deadline).at);
  }

  return {
    set(onExpire) {
      const deadline: Deadline = { at: now() + ms, onExpire };
      entries.push(deadline);
      // Every deadline is as long as the others: one already armed falls due no later than this one.
      if (timer === undefined) arm(deadline.at);
      return deadline;
    },
    clear(deadline) {
      if (deadline.onExpire === undefined) return;
      deadline.onExpire = undefined;
      if (entries[head] === deadline) trim();
    },
    get size() {
      return entries.length - head;
    },
  };
}
