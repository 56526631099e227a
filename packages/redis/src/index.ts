export type { ConnectionOptions } from "./connection.js";
export { type RedisOperation, RedisStoreError, TokenCipherError } from "./errors.js";
export { type RedisStore, type RedisStoreOptions, redisStore } from "./redis-store.js";
export { type RedisBucket, RedisThrottleStore, type RedisTicket, type ThrottleMode } from "./throttle-store.js";
export { RedisTokenStore } from "./token-store.js";
