/**
 * `throwOnError: true`: every call of the client resolves to `{ data, response }` or throws the typed
 * error of its non-2xx answer (as `unwrap` does), so `data` is never optional. The types mirror
 * openapi-fetch's own method signatures with only the result narrowed to its success member.
 */
import type { Client, FetchResponse, MaybeOptionalInit } from "openapi-fetch";
import { errorFromResponse } from "./unwrap.js";

type Method = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
type MediaType = `${string}/${string}`;
type RequiredKeysOf<T> = { [K in keyof T]: {} extends Pick<T, K> ? never : K }[keyof T] extends infer R
  ? R extends undefined
    ? never
    : R
  : never;
/** The optional-or-required init argument, as openapi-fetch declares it. */
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
type PathsWith<Paths, M extends Method> = {
  [P in keyof Paths]: Paths[P] extends { [K in M]: unknown } ? P : never;
}[keyof Paths];

/** The success member of a call's result: `data` is present, `error` is not. */
export type Succeeded<Result> = Exclude<Result, { error: unknown }>;

/** A call's result: openapi-fetch's FetchResponse, narrowed to success when the client throws on errors. */
export type CallResponse<Operation extends Record<string | number, unknown>, Init, Throws extends boolean> = [
  Throws,
] extends [true]
  ? Succeeded<FetchResponse<Operation, Init, MediaType>>
  : FetchResponse<Operation, Init, MediaType>;

/** The operation of a path item for a method, as openapi-fetch looks it up. */
type OperationAt<PathItem, M extends Method> = PathItem extends {
  [K in M]: infer Operation extends Record<string | number, unknown>;
}
  ? Operation
  : never;
type InitOf<PathItem, M extends Method> = MaybeOptionalInit<PathItem, Extract<M, keyof PathItem>>;

type ThrowingMethod<Paths, M extends Method> = <Path extends PathsWith<Paths, M>, Init extends InitOf<Paths[Path], M>>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<Succeeded<FetchResponse<OperationAt<Paths[Path], M>, Init, MediaType>>>;

/** openapi-fetch's Client whose calls throw on non-2xx answers. */
export interface ThrowingClient<Paths extends {}> extends Omit<Client<Paths>, Uppercase<Method> | "request"> {
  request<M extends Method, Path extends PathsWith<Paths, M>, Init extends InitOf<Paths[Path], M>>(
    method: M,
    url: Path,
    ...init: InitParam<Init>
  ): Promise<Succeeded<FetchResponse<OperationAt<Paths[Path], M>, Init, MediaType>>>;
  GET: ThrowingMethod<Paths, "get">;
  PUT: ThrowingMethod<Paths, "put">;
  POST: ThrowingMethod<Paths, "post">;
  DELETE: ThrowingMethod<Paths, "delete">;
  OPTIONS: ThrowingMethod<Paths, "options">;
  HEAD: ThrowingMethod<Paths, "head">;
  PATCH: ThrowingMethod<Paths, "patch">;
  TRACE: ThrowingMethod<Paths, "trace">;
}

interface LooseResult {
  error?: unknown;
  response: Response;
}
type LooseCall = (...args: unknown[]) => Promise<LooseResult>;

/** Makes the client's methods throw on non-2xx answers (in place). `request(method, path, …)` included. */
export function throwOnErrors(client: Record<string, unknown>, methods: readonly string[]): void {
  for (const method of methods) {
    const original = client[method] as LooseCall;
    client[method] = async (path: unknown, ...rest: unknown[]) => checked(await original(path, ...rest), method, path);
  }
  const request = client.request as LooseCall;
  client.request = async (method: unknown, path: unknown, ...rest: unknown[]) =>
    checked(await request(method, path, ...rest), String(method).toUpperCase(), path);
}

function checked(result: LooseResult, method: string, path: unknown): LooseResult {
  if (result.response.ok) return result;
  throw errorFromResponse(result.response, result.error, `${method} ${String(path)}`);
}
