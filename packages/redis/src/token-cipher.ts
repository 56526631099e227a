/**
 * How token sets are written to Redis: AES-256-GCM with the user's 32-byte key by default (a fresh
 * 12-byte IV per write; the Redis key name is the associated data, so a value copied to another
 * credential's key does not decrypt). Plain JSON only when the user opted in by name.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigError, type TokenSet } from "@brokerkit/middleware";
import { TokenCipherError } from "./errors.js";

export type TokenProtection = { kind: "aes-256-gcm"; key: Buffer } | { kind: "plaintext" };

const SEALED = "bk1.gcm.";
const PLAIN = "bk1.plain.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key: bytes, or a string of 64 hex digits or 32 bytes in base64 / base64url. */
export function parseEncryptionKey(value: string | Uint8Array): Buffer {
  let key: Buffer | undefined;
  if (typeof value !== "string") key = Buffer.from(value);
  else if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) key = Buffer.from(value, "base64");
  if (key?.length !== 32) {
    throw new ConfigError(
      "redisStore: encryptionKey must be 32 bytes (a Uint8Array, 64 hex digits, or base64 of 32 bytes, " +
        "e.g. `crypto.randomBytes(32).toString('base64')`)",
    );
  }
  return key;
}

export function sealTokens(tokens: TokenSet, protection: TokenProtection, redisKey: string): string {
  const json = JSON.stringify(tokens);
  if (protection.kind === "plaintext") return PLAIN + json;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", protection.key, iv);
  cipher.setAAD(Buffer.from(redisKey, "utf8"));
  const body = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  return SEALED + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

export function openTokens(value: string, protection: TokenProtection, redisKey: string): TokenSet {
  let json: string;
  if (value.startsWith(SEALED)) {
    if (protection.kind !== "aes-256-gcm") {
      throw new TokenCipherError("the stored tokens are encrypted, but this store has no encryptionKey", redisKey);
    }
    const bytes = Buffer.from(value.slice(SEALED.length), "base64url");
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new TokenCipherError("the stored tokens are truncated", redisKey);
    try {
      const decipher = createDecipheriv("aes-256-gcm", protection.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(redisKey, "utf8"));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      json = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenCipherError(
        "the stored tokens do not decrypt: another encryptionKey wrote them, or they were altered",
        redisKey,
      );
    }
  } else if (value.startsWith(PLAIN)) {
    if (protection.kind !== "plaintext") {
      throw new TokenCipherError(
        "the stored tokens are in plain text, but this store encrypts: refusing to use them",
        redisKey,
      );
    }
    json = value.slice(PLAIN.length);
  } else {
    throw new TokenCipherError("the stored value is not a brokerkit token set", redisKey);
  }
  return parseTokenSet(json, redisKey);
}

function parseTokenSet(json: string, redisKey: string): TokenSet {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TokenCipherError("the stored token set is not valid JSON", redisKey);
  }
  const record = value as Record<string, unknown> | null;
  if (!record || typeof record !== "object" || typeof record.accessToken !== "string") {
    throw new TokenCipherError("the stored token set has no accessToken string", redisKey);
  }
  const tokens: TokenSet = { accessToken: record.accessToken };
  for (const field of ["expiresAt", "refreshAt", "refreshTokenExpiresAt"] as const) {
    const number = record[field];
    if (number === undefined) continue;
    if (typeof number !== "number") throw new TokenCipherError(`the stored ${field} is not a number`, redisKey);
    tokens[field] = number;
  }
  if (record.refreshToken !== undefined) {
    if (typeof record.refreshToken !== "string") {
      throw new TokenCipherError("the stored refreshToken is not a string", redisKey);
    }
    tokens.refreshToken = record.refreshToken;
  }
  return tokens;
}
