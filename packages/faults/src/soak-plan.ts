/** What the soak test hands its child process, and what the child reports back (one JSON line). */

import type { Tuning } from "./bounds.js";
import type { BrokerAccess, BrokerName } from "./clients.js";

export const SOAK_CONFIG_ENV = "BROKERKIT_SOAK";

export interface SoakConfig {
  seed: number;
  /** Measured calls, after the warm-up. */
  calls: number;
  /** Calls made before the heap baseline is taken (loads code, fills caches, opens connections). */
  warmupCalls: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Share of calls that are orders. */
  orderShare: number;
  tuning: Tuning;
  /** Time a call may additionally spend queued in its client's throttle (Saxo: one order per second). */
  queueMs: number;
  /** A client serves this many calls, then a fresh one takes over (rate limits are per client). */
  callsPerClient: number;
  /** Credentials for each client, in order of creation (Saxo: one session each). */
  access: Record<BrokerName, BrokerAccess[]>;
  /**
   * The child appends here, one JSON line each, what every error and every observer event shows (message,
   * stack, String(), JSON, inspect); the test searches it for secrets, including tokens only the proxies saw.
   */
  surfacesFile: string;
}

export interface SoakReport {
  /** Every call made, warm-up included. */
  calls: number;
  /** From the first call to the last one settling (or being given up as hung). */
  wallMs: number;
  /** Outcome counts by kind and error class, e.g. `success`, `status 503`, `NetworkError`. */
  outcomes: Record<string, number>;
  /** Calls not settled within their bound (broker, kind, bound, first few only). */
  hung: string[];
  hungCount: number;
  /** Errors outside the BrokerkitError tree (first few). */
  untyped: string[];
  untypedCount: number;
  /** Unhandled rejections seen (with --unhandled-rejections=strict they arrive as uncaught exceptions). */
  unhandledRejections: string[];
  heap: { baselineBytes: number; afterBytes: number; deltaBytes: number };
  /** The order markers used, per broker. */
  orderMarkers: Record<BrokerName, string[]>;
  clientsCreated: Record<BrokerName, number>;
}
