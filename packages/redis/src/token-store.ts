/**
 * Access tokens in Redis, one key per credential identity, encrypted (token-cipher.ts), with the
 * refresh lock that makes one process exchange while the others wait for its result.
 */
import { ConfigError, type TokenSet, type TokenStore } from "@brokerkit/middleware";
import type { Connection } from "./connection.js";
import { type TokenKeys, tokenKeys } from "./keys.js";
import { RedisRefreshLock } from "./refresh-lock.js";
import { openTokens, sealTokens, type TokenProtection } from "./token-cipher.js";

export interface RedisTokenStoreOptions {
  connection: Connection;
  prefix: string;
  /** How values are protected; undefined means the user chose neither a key nor plain text: refuse. */
  protection: TokenProtection | undefined;
  /** Refresh lock TTL. */
  lockTimeoutMs: number;
  /** Credential identity (non-secret). Providers pick theirs through `forIdentity`. */
  identity?: string;
}

const REFUSAL =
  "redisStore: refusing to keep access tokens in Redis unencrypted. Pass `encryptionKey` (32 bytes, e.g. " +
  "base64 of crypto.randomBytes(32)), or `shareTokens: false` to keep tokens in each process, or " +
  "`storeTokensInPlaintext: true` if only trusted parties can read this Redis";

export class RedisTokenStore implements TokenStore {
  readonly refreshLock: RedisRefreshLock;
  readonly #options: RedisTokenStoreOptions;
  readonly #keys: TokenKeys;

  constructor(options: RedisTokenStoreOptions) {
    this.#options = options;
    this.#keys = tokenKeys(options.prefix, options.identity ?? "default");
    this.refreshLock = new RedisRefreshLock(options.connection, this.#keys, options.lockTimeoutMs);
  }

  /** The Redis key holding this credential's tokens (for operators; it names no secret). */
  get key(): string {
    return this.#keys.tokens;
  }

  forIdentity(identity: string): RedisTokenStore {
    this.#protection();
    return new RedisTokenStore({ ...this.#options, identity });
  }

  async get(): Promise<TokenSet | undefined> {
    const protection = this.#protection();
    const { connection } = this.#options;
    const raw = await connection.run("token read", (redis) => redis.get(this.#keys.tokens));
    return raw === null ? undefined : openTokens(raw, protection, this.#keys.tokens);
  }

  async set(tokens: TokenSet): Promise<void> {
    const value = sealTokens(tokens, this.#protection(), this.#keys.tokens);
    const { connection } = this.#options;
    await connection.run("token write", (redis) => redis.set(this.#keys.tokens, value));
  }

  #protection(): TokenProtection {
    const protection = this.#options.protection;
    if (!protection) throw new ConfigError(REFUSAL);
    return protection;
  }
}
