/**
 * The onion contract. Every layer wraps the next handler; the innermost handler is `fetch`.
 * Layers receive a per-call context so they can share what they learned (the matched operation,
 * the idempotency key, the attempt number) without re-parsing the request.
 */
import type { OperationFlags } from "./config.js";
import type { MiddlewareEvent } from "./events.js";

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** What a layer knows about the call it is handling. Created once per logical call. */
export interface CallContext {
  /** The operation the request matched, if the stack has an operation table. */
  operation?: MatchedOperation;
  /** Idempotency key for the logical call, generated once and reused on every attempt. */
  idempotencyKey?: string;
  /** Set by the idempotency layer from its rule: `rejected` keys are not replayed once they may have arrived. */
  idempotencyKeyReuse?: "deduplicated" | "rejected";
  /** 1 for the first attempt, incremented by the retry layer. */
  attempt: number;
  /** Identity of the credential the call is made with, for per-user buckets. Never the secret. */
  identity?: string;
  /**
   * Signal for the current attempt: the caller's signal (handed over by the auth layer, whose
   * credentialed copy of the request does not follow it), joined with the per-attempt deadline below
   * the timeout layer. Layers and the innermost fetch read `context.signal ?? request.signal`.
   * Below the timeout of a client's own stack (composeBrokerClient) it is an attempt signal
   * (attempt-signal.ts): the layers there read it, and hand `toAbortSignal(signal)` to anything that
   * needs a real AbortSignal.
   */
  signal?: AbortSignal;
  /**
   * Set on requests the middleware or a broker helper makes on its own (probes, reconciliation lookups,
   * stream hand-offs): the redirects layer then refuses any redirect that leaves the origin.
   */
  sameOriginRedirects?: boolean;
  /** Set by the throttle layer for each attempt: the buckets it took a slot in, and how long it waited. */
  throttle?: { buckets: readonly { readonly label: string }[]; waitMs: number };
}

export interface MatchedOperation {
  method: string;
  /** Path template as written in the spec, e.g. `/v2/orders/{order_id}`. */
  template: string;
  /** Path relative to the API base URL, e.g. `/v2/orders/abc`. */
  path: string;
  params: Record<string, string>;
  deprecated?: boolean;
  /** Per-operation facts from the spec (per-operation server, streaming response). */
  flags?: OperationFlags;
}

export type Handler = (request: Request, context: CallContext) => Promise<Response>;
export type Layer = (next: Handler) => Handler;

export type Observer = (event: MiddlewareEvent) => void;
