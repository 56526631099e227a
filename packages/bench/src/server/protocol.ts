/** Messages between a suite and the bench server process (over the fork IPC channel, not HTTP, so they cost the server nothing it measures). */

export interface ServerCounters {
  /** Every request the server answered. */
  requests: number;
  /** Token exchanges: `POST …/refresh` (refresh-exchange) and `POST …/token` (OAuth2). */
  tokenRequests: number;
  /** Probes (`GET …/{service}/isalive`) per service. */
  probes: Record<string, number>;
  /** Saxo-style calls (under `/sim/openapi/{service}/`) that arrived without their service's affinity cookie. */
  unstickyCalls: number;
  /** Calls that arrived without an Authorization header (probes and token exchanges excluded). */
  unauthenticated: number;
}

export type ServerRequest =
  | { id: number; command: "arrivals"; tag: string }
  | { id: number; command: "counters" }
  | { id: number; command: "reset" }
  | { id: number; command: "token-ttl"; seconds: number };

export type ServerReply =
  | { type: "ready"; port: number }
  | { type: "reply"; id: number; arrivals?: number[]; counters?: ServerCounters };

/** Tag header: the server records the arrival time (ms, its own monotonic clock) of every request carrying one. */
export const TAG_HEADER = "x-bench-tag";
