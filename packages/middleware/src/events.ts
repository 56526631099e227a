/** Events the layers emit to an optional observer. None of them ever carries a secret. */
export type MiddlewareEvent =
  | { type: "throttle.wait"; bucket: string; waitMs: number; method: string; url: string }
  | { type: "throttle.pause"; bucket: string; untilMs: number; reason: "429" | "headers" | "ban" }
  | { type: "retry"; attempt: number; delayMs: number; reason: string; method: string; url: string }
  | { type: "token.refresh"; provider: string; reason: "initial" | "expired" | "401" }
  | { type: "token.refreshed"; provider: string; expiresAt?: number }
  /** A token arrived already expired (server clock behind, `expires_in: 0`): it is reused, not re-minted per call. */
  | { type: "token.clockSkew"; provider: string; expiredByMs: number; assumedLifetimeMs?: number }
  | { type: "probe"; service: string; url: string; status?: number }
  | { type: "deprecation"; route: string; reason: "spec" | "header"; sunset?: string; link?: string }
  | { type: "route.rewrite"; from: string; to: string }
  | { type: "cache.hit" | "cache.miss" | "cache.store"; key: string }
  | { type: "cache.error"; file: string; reason: string }
  // Streams (@brokerkit/stream). `stream` names the stream (`alor data`); URLs are redacted.
  | { type: "stream.connect"; stream: string; url: string; attempt: number }
  | { type: "stream.disconnect"; stream: string; code: number; reason: string }
  | { type: "stream.reconnect"; stream: string; attempt: number; delayMs: number }
  | { type: "stream.resubscribe"; stream: string; channel: string }
  /** Messages may have been missed: the channel has neither a snapshot nor a way to skip replays. */
  | { type: "stream.gap"; stream: string; channel: string }
  /** A subscriber's buffer passed half its size (`dropped` so far under a dropping policy). */
  | { type: "stream.lag"; stream: string; channel: string; depth: number; size: number; dropped: number }
  | { type: "stream.idle"; stream: string; idleMs: number }
  | { type: "stream.reauthorize"; stream: string }
  | { type: "stream.error"; stream: string; reason: string };

export type MiddlewareEventType = MiddlewareEvent["type"];
