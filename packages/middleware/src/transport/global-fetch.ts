/**
 * The default transport everywhere but Node (browsers, Deno, Bun, edge runtimes): the runtime's own
 * fetch, looked up when a client is created. package.json `imports` maps `#default-fetch` here.
 */
import type { FetchLike } from "../types.js";

export function defaultFetch(): FetchLike {
  return globalThis.fetch;
}
