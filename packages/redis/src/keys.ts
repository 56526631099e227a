/**
 * Redis key names. Every key of one credential carries its identity as a hash tag (`{…}`), so the
 * multi-key scripts of one call stay in one slot. Parts are URI-encoded: a capture value containing
 * `:` or `#` cannot make two buckets share a key. Identities are non-secret hashes, never tokens.
 */

/** The middleware joins identity, rule and captures of a bucket key with U+0000. */
const BUCKET_KEY_SEPARATOR = "\u0000";

export interface BucketKeys {
  /** Sorted set of the calls occupying the window. */
  slots: string;
  /** Exists (with a TTL) while the bucket is paused. */
  pause: string;
  /** Exists while this Redis has a record of the bucket (see scripts.ts ACQUIRE, cold start). */
  epoch: string;
}

export function bucketKeys(prefix: string, bucketKey: string): BucketKeys {
  const [identity = "", ...rest] = bucketKey.split(BUCKET_KEY_SEPARATOR);
  const base = `${prefix}throttle:{${encodeURIComponent(identity)}}:${rest.map(encodeURIComponent).join(":")}`;
  return { slots: `${base}#slots`, pause: `${base}#pause`, epoch: `${base}#epoch` };
}

export interface TokenKeys {
  tokens: string;
  lock: string;
  floor: string;
}

export function tokenKeys(prefix: string, identity: string): TokenKeys {
  const base = `${prefix}token:{${encodeURIComponent(identity)}}`;
  return { tokens: base, lock: `${base}#lock`, floor: `${base}#floor` };
}
