/**
 * What the auth layer needs from a credential, whatever its kind: set the headers, and after a
 * 401 say whether a fresh credential was obtained so the call may be replayed once.
 */
import type { AuthKind } from "../config.js";
import { sha256, toHex } from "../sha256.js";
import type { Observer } from "../types.js";

export interface CredentialProvider {
  readonly kind: AuthKind;
  /** Names the provider in events and errors (the manifest's scheme name). */
  readonly name: string;
  /** Stable, non-secret id of the credential, for per-user throttle buckets. */
  readonly identity: string;
  /** Headers this provider sets; the redirect layer strips them before leaving the origin. */
  readonly headerNames: readonly string[];
  /** Sets the auth headers, minting a token first when none is valid. */
  apply(headers: Headers, signal?: AbortSignal): void | Promise<void>;
  /**
   * Called once after a 401 with the headers that were rejected. Refreshes (at most once for
   * all callers that saw the same credential) and resolves true when a replay may succeed.
   * Absent on providers that cannot refresh.
   */
  onUnauthorized?(rejected: Headers, signal?: AbortSignal): Promise<boolean>;
  /** Subscribes an observer to `token.refresh` / `token.refreshed` events. */
  observe?(observer: Observer): void;
  /**
   * Signing providers only: the request with its timestamp and signature, built per attempt by the
   * signing layer (the last before the transport) for operations flagged `signed`.
   */
  sign?(request: Request, signal?: AbortSignal): Promise<Request>;
  /**
   * Signing providers only: work a signed call needs before it takes a throttle slot (reading the
   * server's clock, which is itself a throttled call). Run by the signing layer's outer half.
   */
  prepare?(signal?: AbortSignal): Promise<void>;
}

/** `kind:` plus 12 hex chars of sha256: identifies a credential without revealing it. */
export function credentialIdentity(kind: AuthKind, secretOrId: string): string {
  return `${kind}:${toHex(sha256(secretOrId)).slice(0, 12)}`;
}
