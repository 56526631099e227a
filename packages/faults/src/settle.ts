/**
 * Runs one call against a bound and names its outcome: a success, an HTTP status the client returned
 * as data, a thrown error, or "hung" when it had not settled in time (it is then left to settle on its
 * own; its rejection is always handled, so an abandoned call can never become an unhandled rejection).
 */
import * as middleware from "@brokerkit/middleware";

export type Outcome =
  | { kind: "success"; status: number }
  /** A non-2xx answer the client returned as data (clients without an `unwrap`). */
  | { kind: "status"; status: number }
  | { kind: "error"; error: unknown }
  | { kind: "hung" };

export interface Settled {
  outcome: Outcome;
  elapsedMs: number;
  /** The bound the call was held to: the stated one plus the margin at the moment it was judged. */
  boundMs: number;
}

export interface SettleOptions {
  /**
   * Run full garbage collections while the call is pending (needs `--expose-gc`), as a long-lived
   * process would: an abort that only a collectable object connects to the pending fetch (a
   * `new Request(url, { signal })` nobody holds, on Node 20) is then lost every time, not by chance.
   */
  collectGarbage?: boolean;
  /**
   * Extra time the call is allowed on top of `boundMs`, asked when the bound runs out (the event loop's
   * measured delay, loop-delay.ts): while the call is within bound + margin, it is given the rest.
   */
  marginMs?: () => number;
}

/** One collector for all pending calls that asked for it, so concurrent calls do not multiply the work. */
const GC_EVERY_MS = 200;
let collecting = 0;
let collector: NodeJS.Timeout | undefined;

function startCollecting(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return () => {};
  if (collecting++ === 0) collector = setInterval(gc, GC_EVERY_MS);
  return () => {
    if (--collecting === 0) clearInterval(collector);
  };
}

/** `call` resolves to the final HTTP status of the logical call, or throws. */
export async function settleWithin(
  call: () => Promise<number>,
  boundMs: number,
  options: SettleOptions = {},
): Promise<Settled> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const stopCollecting = options.collectGarbage ? startCollecting() : () => {};
  let heldTo = boundMs;
  const outcome = await Promise.race<Outcome>([
    call().then(
      (status): Outcome => (status >= 200 && status < 300 ? { kind: "success", status } : { kind: "status", status }),
      (error: unknown): Outcome => ({ kind: "error", error }),
    ),
    new Promise<Outcome>((resolve) => {
      const judge = () => {
        heldTo = Math.round(boundMs + (options.marginMs?.() ?? 0));
        const rest = heldTo - (performance.now() - started);
        if (rest > 0) timer = setTimeout(judge, rest);
        else resolve({ kind: "hung" });
      };
      timer = setTimeout(judge, boundMs);
    }),
  ]);
  clearTimeout(timer);
  stopCollecting();
  return { outcome, elapsedMs: Math.round(performance.now() - started), boundMs: heldTo };
}

/** Whether an error belongs to the typed tree callers may rely on. */
export function isTyped(error: unknown): boolean {
  return error instanceof middleware.BrokerkitError;
}

/** e.g. `success 200`, `status 503`, `NetworkError: GET … failed`, `TypeError (untyped): terminated`, `hung`. */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case "success":
      return `success ${outcome.status}`;
    case "status":
      return `status ${outcome.status}`;
    case "hung":
      return "hung";
    case "error": {
      const { error } = outcome;
      if (!(error instanceof Error)) return `non-error thrown (untyped): ${String(error)}`;
      const cause = error.cause instanceof Error ? ` [cause ${error.cause.name}: ${error.cause.message}]` : "";
      return `${error.constructor.name}${isTyped(error) ? "" : " (untyped)"}: ${error.message}${cause}`;
    }
  }
}

/**
 * Whether the outcome is one of `allowed`: "success", or an error class name exported by
 * @brokerkit/middleware (looked up by name, so classes still being added do not break compilation).
 * A status returned as data counts as the error `unwrap` would have made of it: HttpError, and
 * RateLimitError for 429.
 */
export function outcomeIsOneOf(outcome: Outcome, allowed: readonly string[]): boolean {
  return allowed.some((name) => {
    if (name === "success") return outcome.kind === "success";
    if (outcome.kind === "status") return name === "HttpError" || (name === "RateLimitError" && outcome.status === 429);
    if (outcome.kind !== "error") return false;
    const type = errorClass(name);
    return type !== undefined && outcome.error instanceof type;
  });
}

/** Expected class names that @brokerkit/middleware does not export (yet). */
export function missingErrorClasses(names: readonly string[]): string[] {
  return names.filter((name) => name !== "success" && errorClass(name) === undefined);
}

function errorClass(name: string): (abstract new (...args: never[]) => unknown) | undefined {
  const value = (middleware as Record<string, unknown>)[name];
  return typeof value === "function" ? (value as abstract new (...args: never[]) => unknown) : undefined;
}
