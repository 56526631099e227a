/**
 * The ioredis connection behind a store, tuned so that nothing waits forever: every command has a
 * deadline (it may sit in the offline queue while reconnecting, but not past the deadline), the
 * first connection attempt has one too, and reconnects go on with a bounded backoff so the store
 * recovers by itself when Redis returns.
 */
import { ConfigError, registerSecret } from "@brokerkit/middleware";
import { Redis } from "ioredis";
import { type RedisOperation, RedisStoreError } from "./errors.js";

export interface ConnectionOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` for TLS. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Deadline of one Redis command, including time spent waiting for a reconnect. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Deadline of one connection attempt. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnect attempts (they back off from 50 ms up to this). Default 1000 ms. */
  maxReconnectDelayMs?: number;
}

export interface Connection {
  readonly redis: Redis;
  /** `host:port` for messages. */
  readonly target: string;
  /** Runs a Lua script by SHA, loading it when Redis does not know it (e.g. after a restart). */
  script(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** Wraps any failure of `work` in a RedisStoreError naming the operation. */
  run<T>(operation: RedisOperation, work: (redis: Redis) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

export function connect(options: ConnectionOptions): Connection {
  const url = options.url ?? "redis://127.0.0.1:6379";
  const commandTimeout = positive(options.commandTimeoutMs, 1000, "commandTimeoutMs");
  const connectTimeout = positive(options.connectTimeoutMs, 2000, "connectTimeoutMs");
  const maxReconnectDelay = positive(options.maxReconnectDelayMs, 1000, "maxReconnectDelayMs");
  const parsed = parseUrl(url);
  if (parsed.password) registerSecret(parsed.password);
  const redis = new Redis(url, {
    commandTimeout,
    connectTimeout,
    // Reconnect forever (Redis may come back), never waiting more than the bound between attempts.
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxReconnectDelay),
    // The command deadline already bounds every call; do not also fail queued ones after N reconnects.
    maxRetriesPerRequest: null,
    lazyConnect: false,
  });
  // Without a listener ioredis prints every connection error; the calls that need Redis report it instead.
  redis.on("error", () => {});
  const target = parsed.target;

  async function script(lua: LuaScript, keys: readonly string[], args: readonly (string | number)[]) {
    try {
      return await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("NOSCRIPT")) throw error;
      return redis.eval(lua.source, keys.length, ...keys, ...args);
    }
  }

  return {
    redis,
    target,
    script,
    async run(operation, work) {
      try {
        return await work(redis);
      } catch (error) {
        throw new RedisStoreError(operation, target, error);
      }
    },
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

function parseUrl(url: string): { target: string; password: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`redisStore: url must be a redis:// or rediss:// URL, got an unparsable value`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigError(`redisStore: url must start with redis:// or rediss://, got "${parsed.protocol}//"`);
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  return { target: `${parsed.hostname || "127.0.0.1"}:${parsed.port || "6379"}`, password };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new ConfigError(`redisStore: ${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}
