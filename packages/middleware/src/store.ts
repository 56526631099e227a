/**
 * One option to move a client's shared state out of the process: `createBrokerClient(config,
 * { store })` takes the throttle's buckets and the credential's tokens from it. In memory (per
 * process) when absent; `redisStore({ url })` from `@brokerkit/redis` shares both across processes.
 */
import type { TokenStore } from "./auth/token-cache.js";
import type { ThrottleStore } from "./throttle-store.js";

export interface BrokerStore {
  /** Rate-limit buckets; the in-process throttle when absent. */
  readonly throttle?: ThrottleStore;
  /** Access tokens (and the refresh lock); in memory when absent. `tokenStore` overrides it. */
  readonly tokens?: TokenStore;
}
