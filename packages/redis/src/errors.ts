/** Errors of the Redis store. Messages name Redis, its address and the operation; never a secret. */
import { BrokerkitError } from "@brokerkit/middleware";

/** Which store operation failed. */
export type RedisOperation = "throttle admission" | "token read" | "token write" | "refresh lock";

/**
 * Redis could not serve an operation in time (unreachable, restarting, a command timed out, or an
 * unexpected reply). The call that needed it fails with this error instead of going ahead unchecked.
 */
export class RedisStoreError extends BrokerkitError {
  readonly operation: RedisOperation;
  /** `host:port` (or socket path) of the Redis server; no credentials. */
  readonly target: string;

  constructor(operation: RedisOperation, target: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Redis at ${target}: ${operation} failed (${reason})`, { cause });
    this.operation = operation;
    this.target = target;
  }
}

/** A token value in Redis could not be read back: wrong key, tampered, or stored in another mode. */
export class TokenCipherError extends BrokerkitError {
  /** The Redis key that holds the value (it names the credential's identity, never a secret). */
  readonly key: string;

  constructor(message: string, key: string, cause?: unknown) {
    super(`${message} (Redis key "${key}")`, cause === undefined ? {} : { cause });
    this.key = key;
  }
}
