/**
 * `redisStore({ url })`: one Redis connection serving both shared parts of a client, for
 * `createBrokerClient(config, { store })`. Close it when the process is done with it.
 */
import { type BrokerStore, ConfigError } from "@brokerkit/middleware";
import type { Redis } from "ioredis";
import { type ConnectionOptions, connect } from "./connection.js";
import { RedisThrottleStore, type ThrottleMode } from "./throttle-store.js";
import { parseEncryptionKey, type TokenProtection } from "./token-cipher.js";
import { RedisTokenStore } from "./token-store.js";

export interface RedisStoreOptions extends ConnectionOptions {
  /** Prefix of every key. Default `brokerkit:`. Use one per deployment sharing a Redis. */
  keyPrefix?: string;
  /**
   * Encrypts the token sets in Redis (AES-256-GCM): 32 bytes, as a Uint8Array, 64 hex digits or base64.
   * Every process sharing the tokens needs the same key.
   */
  encryptionKey?: string | Uint8Array;
  /** Opt-in to store token sets as plain JSON when no encryptionKey is given. Default false: refuse. */
  storeTokensInPlaintext?: boolean;
  /** Share access tokens (and the refresh lock) through Redis. Default true; false keeps them per process. */
  shareTokens?: boolean;
  /**
   * TTL of the refresh lock. The holder renews it every third of this while it lives, so this is how
   * long the others wait for a holder that crashed. Default 10 000 ms.
   */
  lockTimeoutMs?: number;
  /**
   * When Redis holds no record of a rate-limit bucket (first use, a week idle, or data lost in a
   * restart), pause it for two intervals (2 s for 100/s) so that calls
   * admitted before a data loss cannot add up with new ones. Default true; set false only when no
   * process can have used the account within that time (e.g. a single scheduled job).
   */
  holdOnColdStart?: boolean;
  /**
   * What the throttle does while Redis cannot admit calls. Default (absent): fail closed, every call
   * that needs Redis rejects with RedisStoreError. `{ processes: N }`: each process throttles alone at
   * ⌊limit / N⌋ (after one full occupancy, so that calls admitted through Redis stop counting first)
   * until Redis answers again. Right only when at most N processes share the account and all of them
   * lose Redis together; a limit below N keeps failing closed.
   */
  fallback?: { processes: number };
  /** Told when the throttle moves to its local fallback and back to Redis. */
  onModeChange?: (mode: ThrottleMode, cause?: unknown) => void;
}

export interface RedisStore extends BrokerStore {
  readonly throttle: RedisThrottleStore;
  /** Undefined when `shareTokens` is false. */
  readonly tokens: RedisTokenStore | undefined;
  /** The ioredis connection (e.g. for a health check). */
  readonly redis: Redis;
  /** Rejects the calls still waiting for a slot and closes the connection. */
  close(): Promise<void>;
}

export function redisStore(options: RedisStoreOptions = {}): RedisStore {
  const prefix = options.keyPrefix ?? "brokerkit:";
  if (typeof prefix !== "string") throw new ConfigError("redisStore: keyPrefix must be a string");
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  if (!(Number.isFinite(lockTimeoutMs) && lockTimeoutMs >= 100)) {
    throw new ConfigError(`redisStore: lockTimeoutMs must be a finite number ≥ 100, got ${String(lockTimeoutMs)}`);
  }
  let protection: TokenProtection | undefined;
  if (options.encryptionKey !== undefined) {
    if (options.storeTokensInPlaintext) {
      throw new ConfigError("redisStore: give either encryptionKey or storeTokensInPlaintext, not both");
    }
    protection = { kind: "aes-256-gcm", key: parseEncryptionKey(options.encryptionKey) };
  } else if (options.storeTokensInPlaintext === true) {
    protection = { kind: "plaintext" };
  }
  const connection = connect(options);
  const throttle = new RedisThrottleStore({
    connection,
    prefix,
    ...(options.holdOnColdStart === undefined ? {} : { holdOnColdStart: options.holdOnColdStart }),
    ...(options.fallback ? { fallback: validFallback(options.fallback) } : {}),
    ...(options.onModeChange ? { onModeChange: options.onModeChange } : {}),
  });
  const tokens =
    options.shareTokens === false
      ? undefined
      : new RedisTokenStore({ connection, prefix, protection, lockTimeoutMs: Math.ceil(lockTimeoutMs) });
  return {
    throttle,
    tokens,
    redis: connection.redis,
    async close() {
      throttle.stop();
      throttle.rejectAll(new ConfigError("redisStore: closed while calls were waiting for a throttle slot"));
      await connection.close();
    },
  };
}

function validFallback(fallback: { processes: number }): { processes: number } {
  if (!Number.isInteger(fallback.processes) || fallback.processes < 1) {
    throw new ConfigError(
      `redisStore: fallback.processes must be a whole number ≥ 1, got ${String(fallback.processes)}`,
    );
  }
  return { processes: fallback.processes };
}
