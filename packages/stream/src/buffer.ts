/**
 * One subscriber's bounded queue, with the channel's policy for a reader that falls behind:
 * - `drop-oldest`: keep the newest `size` messages;
 * - `conflate`: keep only the latest message per key (the `conflateKey` fields), at most `size` keys,
 *   in the order each key first became pending;
 * - `error`: never drop; one message past `size` fails the queue with a StreamOverflowError.
 * A waiting reader is handed a message directly, so a reader that keeps up never touches the queue.
 */
import type { BufferRule } from "./spec.js";

export type Overflowed = (size: number) => Error;

/** What take() returns when nothing is queued. */
const EMPTY: unique symbol = Symbol("empty");

export class MessageBuffer<T> {
  /** A queue read from `head`: shift() would cost O(depth) per message, and depths reach the thousands. */
  private items: T[] = [];
  private head = 0;
  /** For `conflate`: the pending message per key, in arrival order of the keys. */
  private readonly latest = new Map<string, T>();
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private failure: unknown;
  private ended = false;
  /** Messages dropped or replaced so far (drop-oldest, conflate). */
  dropped = 0;

  constructor(
    private readonly rule: BufferRule,
    private readonly overflowed: Overflowed,
  ) {}

  /** Messages waiting for the reader. */
  get depth(): number {
    return this.rule.policy === "conflate" ? this.latest.size : this.items.length - this.head;
  }

  get closed(): boolean {
    return this.ended || this.failure !== undefined;
  }

  push(message: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: message, done: false });
      return;
    }
    switch (this.rule.policy) {
      case "drop-oldest":
        if (this.depth >= this.rule.size) {
          this.items[this.head++] = undefined as T;
          this.dropped++;
          this.compact();
        }
        this.items.push(message);
        return;
      case "conflate": {
        const key = conflationKey(message, this.rule.conflateKey);
        if (this.latest.has(key)) {
          this.latest.set(key, message);
          this.dropped++;
          return;
        }
        if (this.latest.size >= this.rule.size) {
          const oldest = this.latest.keys().next().value as string;
          this.latest.delete(oldest);
          this.dropped++;
        }
        this.latest.set(key, message);
        return;
      }
      case "error":
        if (this.depth >= this.rule.size) {
          this.fail(this.overflowed(this.rule.size));
          return;
        }
        this.items.push(message);
    }
  }

  /** Ends the queue after what it holds has been read. */
  end(): void {
    this.ended = true;
    this.settleWaiter();
  }

  /** Fails the queue: the reader gets the messages already queued (for `error`, none after the overflow), then `error`. */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    // An overflow loses nothing silently: what was queued is discarded and the reader is told at once.
    if (this.rule.policy === "error") {
      this.items = [];
      this.head = 0;
    }
    this.settleWaiter();
  }

  next(): Promise<IteratorResult<T>> {
    const queued = this.take();
    if (queued !== EMPTY) return Promise.resolve({ value: queued as T, done: false });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** The next queued message, or EMPTY (a message may itself be undefined). */
  private take(): T | typeof EMPTY {
    if (this.rule.policy === "conflate") {
      const first = this.latest.entries().next();
      if (first.done) return EMPTY;
      this.latest.delete(first.value[0]);
      return first.value[1];
    }
    if (this.head >= this.items.length) return EMPTY;
    const value = this.items[this.head] as T;
    this.items[this.head++] = undefined as T;
    this.compact();
    return value;
  }

  /** Drops the consumed prefix once it is most of the array, so memory follows the depth. */
  private compact(): void {
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private settleWaiter(): void {
    if (!this.waiter) return;
    const { resolve, reject } = this.waiter;
    this.waiter = undefined;
    if (this.failure !== undefined) reject(this.failure);
    else resolve({ value: undefined, done: true });
  }
}

function conflationKey(message: unknown, paths: readonly string[] | undefined): string {
  if (!paths || paths.length === 0) return "";
  if (paths.length === 1) return String(valueAt(message, paths[0] as string));
  return paths.map((path) => String(valueAt(message, path))).join("\u0000");
}

/** Dotted paths split once: they come from a few channel specs and are read per message. */
const splitPaths = new Map<string, readonly string[]>();

/** The value at a dotted path (`data.id`), or undefined. */
export function valueAt(value: unknown, path: string): unknown {
  let parts = splitPaths.get(path);
  if (!parts) {
    parts = path.split(".");
    splitPaths.set(path, parts);
  }
  let current = value;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[parts[i] as string];
  }
  return current;
}
