/** What the soak test hands its child process, and what the child reports back (one JSON line). */

import { seededRandom } from "@brokerkit/testing";
import type { Tuning } from "./bounds.js";
import type { BrokerAccess, BrokerName, CallKind } from "./clients.js";

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
  /**
   * Credentials for each client, in order of creation (Saxo: one session each); as many as
   * `clientsNeeded` says. A client serves calls while the requests they may send fit in its rate
   * limits (rotation below), then a fresh one takes over.
   */
  access: Record<BrokerName, BrokerAccess[]>;
  /** Per broker, the requests one client may send (sendBudget of its rules); the runner checks it. */
  budget: Record<BrokerName, number>;
  /**
   * The child appends here, one JSON line each, what every error and every observer event shows (message,
   * stack, String(), JSON, inspect); the test searches it for secrets, including tokens only the proxies saw.
   */
  surfacesFile: string;
}

export interface SoakReport {
  /** Calls settled or given up as hung, warm-up included. */
  calls: number;
  /** The runner was stopped (SIGTERM at the test's deadline) before every call was made. */
  interrupted: boolean;
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
  /** Per broker and throttle bucket, the most attempts one client sent through it (against the rule's limit). */
  busiestBuckets: Record<BrokerName, Record<string, number>>;
  /** Per broker, the call that used the largest share of its bound, with its timeline. */
  slowest: string[];
  /** The runner's event-loop delay over the calls (perf_hooks monitorEventLoopDelay), in ms. */
  loopDelayMs: { p99: number; max: number };
}

/** The brokers in turn: call `index` goes to BROKERS[index % 3]. */
export const SOAK_BROKERS: readonly BrokerName[] = ["alor", "alpaca", "saxo"];

/** Which calls are orders, fixed by the seed so the plan does not depend on which call finishes first. */
export function orderPlan(config: Pick<SoakConfig, "seed" | "warmupCalls" | "calls" | "orderShare">): boolean[] {
  const random = seededRandom(config.seed);
  return Array.from({ length: config.warmupCalls + config.calls }, () => random() < config.orderShare);
}

/**
 * Which client of its broker serves each call (0, 1, …, per broker). A client takes calls while the
 * requests they may send through its throttle (`sends`) stay within `budget[broker]`, the smallest
 * limit of its rules that hold every call: then no call ever waits for the client's own budget, a wait
 * of up to a whole window (Saxo: 60 s) that no bound of a hang could tell from one.
 */
export function clientRotation(
  isOrder: readonly boolean[],
  budget: Record<BrokerName, number>,
  sends: (broker: BrokerName, kind: CallKind) => number,
  /** The call at which every broker starts a fresh client (the runner drops its clients after the warm-up). */
  restartAt: number,
): { clientOf: number[]; clientsNeeded: Record<BrokerName, number> } {
  const clientsNeeded: Record<BrokerName, number> = { alor: 0, alpaca: 0, saxo: 0 };
  const used: Record<BrokerName, number> = { alor: 0, alpaca: 0, saxo: 0 };
  const fresh = new Set<BrokerName>();
  const clientOf = isOrder.map((order, index) => {
    const broker = SOAK_BROKERS[index % SOAK_BROKERS.length] as BrokerName;
    if (index === restartAt) for (const name of SOAK_BROKERS) fresh.add(name);
    const cost = sends(broker, order ? "order" : "get");
    if (cost > budget[broker])
      throw new Error(
        `soak plan: one ${broker} call may send ${cost} requests, more than its budget ${budget[broker]}`,
      );
    if (clientsNeeded[broker] === 0 || fresh.delete(broker) || used[broker] + cost > budget[broker]) {
      clientsNeeded[broker]++;
      used[broker] = 0;
    }
    used[broker] += cost;
    return clientsNeeded[broker] - 1;
  });
  return { clientOf, clientsNeeded };
}
