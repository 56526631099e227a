/**
 * Types of the generated `ops` facade: `client.ops.getAccount()`, `client.ops.getOrderBook({ exchange, symbol })`.
 * An operation takes one argument object. In the flat shape (most operations) its keys are the path, query
 * and header parameters, merged, plus `body`; an operation whose names collide across locations (or name a
 * parameter `body`) takes openapi-fetch's own `{ params: { path, query, header }, body }` instead. Results
 * are exactly those of the path calls (openapi-fetch's FetchResponse of the same operation).
 */
import type { ParamsOption, RequestBodyOption } from "openapi-fetch";
import type { CallResponse } from "./throw-on-error.js";

type ParamsOf<Operation> = Operation extends { parameters: infer P } ? P : {};
type At<P, Location extends string> = Location extends keyof P
  ? [NonNullable<P[Location]>] extends [never]
    ? {}
    : NonNullable<P[Location]>
  : {};

/** Path, query and header parameters merged into one object, and the request body under `body`. */
export type FlatArgs<Operation> = At<ParamsOf<Operation>, "path"> &
  At<ParamsOf<Operation>, "query"> &
  At<ParamsOf<Operation>, "header"> &
  RequestBodyOption<Operation>;

/** openapi-fetch's own request shape, for operations whose parameter names are ambiguous when merged. */
export type NestedArgs<Operation> = ParamsOption<Operation> & RequestBodyOption<Operation>;

/** Per-call options beside the operation's own arguments. */
export interface OpInit {
  signal?: AbortSignal;
  /** Extra request headers (the client's `headers` option applies too). */
  headers?: Record<string, string>;
}

/** The argument list: the argument object is optional when none of its keys is required. */
export type OpArgs<Args> = {} extends Args ? [args?: Args, init?: OpInit] : [args: Args, init?: OpInit];

/** What an operation call resolves to; `Throws` is the client's `throwOnError`. */
export type OpResult<Operation extends Record<string | number, unknown>, Throws extends boolean> = Promise<
  CallResponse<Operation, {}, Throws>
>;
