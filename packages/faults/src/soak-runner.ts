/**
 * The soak's client side, run as its own process by test/soak.test.ts with
 * `node --unhandled-rejections=strict --expose-gc`, so that its heap holds only the clients (the
 * simulators and the proxies stay in the test process) and an unhandled rejection cannot hide.
 *
 * It makes a warm-up, takes a heap baseline after GC, makes the measured calls (a seeded mix of GETs and
 * orders over the three brokers, `concurrency` at a time, each raced against its bound), drops the clients,
 * collects garbage again and prints one JSON line: the SoakReport. Every call keeps its own timeline
 * (events and attempts); hung calls and the call nearest its bound per broker are reported with theirs.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import { BrokerkitError } from "@brokerkit/middleware";
import {
  type BrokerCalls,
  type BrokerName,
  brokerCalls,
  type CallKind,
  callBound,
  orderAdmissionMs,
  sendBudget,
  throttledSends,
} from "./clients.js";
import { loopMarginMs, maxLoopDelayMs, p99LoopDelayMs, watchLoopDelay } from "./loop-delay.js";
import { errorSurfaces, eventSurfaces } from "./secrets.js";
import { describeOutcome, type Settled, settleWithin } from "./settle.js";
import {
  clientRotation,
  orderPlan,
  SOAK_BROKERS,
  SOAK_CONFIG_ENV,
  type SoakConfig,
  type SoakReport,
} from "./soak-plan.js";

const SAMPLES = 10;
const GC_EVERY_MS = 1_000;

const unhandledRejections: string[] = [];
process.on("uncaughtException", (error, origin) => {
  if (origin === "unhandledRejection") {
    unhandledRejections.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return;
  }
  process.stderr.write(`soak runner: uncaught exception: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(70);
});

const config = JSON.parse(process.env[SOAK_CONFIG_ENV] ?? "null") as SoakConfig | null;
if (!config) throw new Error(`soak runner: set ${SOAK_CONFIG_ENV} to the SoakConfig JSON (test/soak.test.ts does)`);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("soak runner: run it with node --expose-gc");
const collect = gc;

const outcomes: Record<string, number> = {};
const hung: string[] = [];
const untyped: string[] = [];
let hungCount = 0;
let untypedCount = 0;
const orderMarkers: Record<BrokerName, string[]> = { alor: [], alpaca: [], saxo: [] };
const clientsCreated: Record<BrokerName, number> = { alor: 0, alpaca: 0, saxo: 0 };
const isOrder = orderPlan(config);
const tuning = config.tuning;
const rotation = clientRotation(
  isOrder,
  config.budget,
  (broker, kind) => throttledSends(broker, kind, tuning),
  config.warmupCalls,
);

interface ActiveClient {
  calls: BrokerCalls;
  /** Which client of its broker this is (clientRotation). */
  ordinal: number;
  served: number;
  /** Attempts the client's throttle let through, by bucket (rule and capture, without the identity). */
  slots: Map<string, number>;
  /**
   * Settles when the client's previous order has: like a trader, the soak places one order at a time
   * per account, so Saxo's one-order-per-second bucket queues no more than one call.
   */
  previousOrder: Promise<unknown>;
}

/** The client serving a broker's calls now. */
const current = new Map<BrokerName, ActiveClient>();

/**
 * Each call's own timeline: the observer's events and the debug line of each attempt arrive in the
 * call's async context, so a hung call shows what it did (attempts, waits, probes, token exchanges).
 * Work shared by calls (one probe or token exchange for several) shows in the call that started it.
 */
interface CallTimeline {
  startedAt: number;
  phases: string[];
}
const timelines = new AsyncLocalStorage<CallTimeline>();
const MAX_PHASES = 40;

function phase(text: string): void {
  const timeline = timelines.getStore();
  if (!timeline || timeline.phases.length >= MAX_PHASES) return;
  timeline.phases.push(`+${Math.round(performance.now() - timeline.startedAt)} ${text}`);
}

/** Per broker, the call that used most of its bound, with its timeline (evidence of the headroom left). */
const slowest: Partial<Record<BrokerName, { share: number; text: string }>> = {};

/** Per broker and bucket, the most attempts one client's throttle let through (against the rule's limit). */
const busiestBuckets: Record<BrokerName, Record<string, number>> = { alor: {}, alpaca: {}, saxo: {} };

/**
 * Counts the buckets of one debug line (`… GET /path <outcome> attempt=1 … bucket=id:rule{capture},…`).
 * An attempt the throttle refused (outcome RateLimitError) took no slot.
 */
function countSlots(slots: Map<string, number>, line: string): void {
  const outcome = / attempt=/.exec(line) ? line.slice(0, line.indexOf(" attempt=")).split(" ").at(-1) : undefined;
  if (outcome === "RateLimitError") return;
  const buckets = / bucket=(\S+)/.exec(line)?.[1];
  if (!buckets || buckets === "-") return;
  for (const label of buckets.split(",")) {
    const rule = label.slice(label.indexOf(":", label.indexOf(":") + 1) + 1);
    slots.set(rule, (slots.get(rule) ?? 0) + 1);
  }
}

function clientFor(broker: BrokerName, index: number): ActiveClient {
  const ordinal = rotation.clientOf[index] as number;
  const active = current.get(broker);
  if (active && active.ordinal === ordinal) {
    active.served++;
    return active;
  }
  if (active) retire(broker, active);
  const access = (config as SoakConfig).access[broker][ordinal];
  if (!access) throw new Error(`soak runner: no credentials for ${broker} client #${ordinal + 1}`);
  clientsCreated[broker]++;
  const client: ActiveClient = {
    calls: undefined as unknown as BrokerCalls,
    ordinal,
    served: 1,
    slots: new Map(),
    previousOrder: Promise.resolve(),
  };
  client.calls = brokerCalls(
    access,
    (config as SoakConfig).tuning,
    (event) => {
      keepSurfaces(`${broker} event ${event.type}`, eventSurfaces(event));
      phase(JSON.stringify(event));
    },
    (line) => {
      countSlots(client.slots, line);
      phase(line);
    },
  );
  const budget = sendBudget(client.calls.rateLimits);
  if (budget !== (config as SoakConfig).budget[broker]) {
    throw new Error(
      `soak runner: ${broker}'s rules allow ${budget} requests per client, the plan assumed ${(config as SoakConfig).budget[broker]}`,
    );
  }
  current.set(broker, client);
  return client;
}

function retire(broker: BrokerName, client: ActiveClient): void {
  const busiest = busiestBuckets[broker];
  for (const [rule, count] of client.slots) busiest[rule] = Math.max(busiest[rule] ?? 0, count);
}

function record(
  broker: BrokerName,
  kind: CallKind,
  settled: Settled,
  client: ActiveClient,
  timeline: CallTimeline,
): void {
  judged++;
  const { outcome } = settled;
  const label = outcome.kind === "error" ? className(outcome.error) : describeOutcome(outcome);
  outcomes[label] = (outcomes[label] ?? 0) + 1;
  const share = settled.elapsedMs / settled.boundMs;
  const phases = timeline.phases.length > 0 ? timeline.phases.join("\n    ") : "(no event, no settled attempt)";
  const describe = () => {
    const started = Math.round(timeline.startedAt);
    const state = `client #${client.ordinal + 1}, its call ${client.served}; attempts through its buckets ${JSON.stringify(Object.fromEntries(client.slots))}; ${client.calls.throttleWaiting()} calls waiting in its throttle now`;
    return `${broker} ${kind} ${label}: ${settled.elapsedMs} ms of its ${settled.boundMs} ms bound (started at ${started} ms; loop delay max ${Math.round(maxLoopDelayMs())} ms); ${state}; its timeline:\n    ${phases}`;
  };
  if (share > (slowest[broker]?.share ?? 0)) slowest[broker] = { share, text: describe() };
  if (outcome.kind === "hung") {
    hungCount++;
    if (hung.length < SAMPLES) hung.push(describe());
  }
  if (outcome.kind !== "error") return;
  if (!(outcome.error instanceof BrokerkitError)) {
    untypedCount++;
    if (untyped.length < SAMPLES) untyped.push(`${broker} ${kind}: ${describeOutcome(outcome)}`);
  }
  keepSurfaces(`${broker} ${kind} ${label}`, errorSurfaces(outcome.error));
}

function keepSurfaces(source: string, surfaces: Record<string, string>): void {
  appendFileSync((config as SoakConfig).surfacesFile, `${JSON.stringify({ source, surfaces })}\n`);
}

function className(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

async function oneCall(index: number): Promise<void> {
  const soak = config as SoakConfig;
  const broker = SOAK_BROKERS[index % SOAK_BROKERS.length] as BrokerName;
  const kind: CallKind = isOrder[index] ? "order" : "get";
  const client = clientFor(broker, index);
  const { calls } = client;
  // The rotation keeps every client within its budget; only an order may wait, for its own rule.
  const admissionMs = kind === "order" ? orderAdmissionMs(calls.rateLimits, soak.tuning) : 0;
  const bound = callBound(broker, kind, soak.tuning, admissionMs);
  const limits = { marginMs: () => loopMarginMs(bound.timers) };
  const timeline: CallTimeline = { startedAt: 0, phases: [] };
  const traced = (call: () => Promise<number>) => () => {
    timeline.startedAt = performance.now();
    return timelines.run(timeline, call);
  };
  if (kind === "get") {
    const settled = await settleWithin(
      traced(() => calls.get()),
      bound.boundMs,
      limits,
    );
    record(broker, kind, settled, client, timeline);
    return;
  }
  const marker = `soak-${soak.seed}-${index}`;
  orderMarkers[broker].push(marker);
  const turn = client.previousOrder.then(() =>
    settleWithin(
      traced(() => calls.order(marker)),
      bound.boundMs,
      limits,
    ),
  );
  client.previousOrder = turn;
  record(broker, kind, await turn, client, timeline);
}

async function runCalls(first: number, count: number): Promise<void> {
  let next = first;
  const end = first + count;
  const worker = async () => {
    while (next < end) await oneCall(next++);
  };
  await Promise.all(Array.from({ length: (config as SoakConfig).concurrency }, worker));
}

/** Several full collections, with turns of the event loop between them for finalizers and closed sockets. */
async function settledHeap(): Promise<number> {
  for (let round = 0; round < 4; round++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}

function retireAll(): void {
  for (const [broker, client] of current) retire(broker, client);
  current.clear();
}

/** Calls settled or given up as hung so far. */
let judged = 0;
const started = performance.now();

function reportNow(heap: SoakReport["heap"], interrupted: boolean): SoakReport {
  return {
    calls: judged,
    interrupted,
    wallMs: Math.round(performance.now() - started),
    outcomes,
    hung,
    hungCount,
    untyped,
    untypedCount,
    unhandledRejections,
    heap,
    orderMarkers,
    clientsCreated,
    busiestBuckets,
    slowest: SOAK_BROKERS.map((broker) => slowest[broker]?.text ?? `${broker}: no call`),
    loopDelayMs: { p99: Math.round(p99LoopDelayMs()), max: Math.round(maxLoopDelayMs()) },
  };
}

// Stopped before the end (the test's deadline): report what was seen, so hung calls show with their timelines.
process.on("SIGTERM", () => {
  process.stdout.write(`${JSON.stringify(reportNow({ baselineBytes: 0, afterBytes: 0, deltaBytes: 0 }, true))}\n`);
  process.exit(0);
});

async function main(): Promise<void> {
  const soak = config as SoakConfig;
  // Full collections now and then, as in a long-lived process: an abort that hangs on a collectable
  // object (settle.ts) is then lost reliably rather than by chance.
  const collector = setInterval(collect, GC_EVERY_MS);
  watchLoopDelay();
  await runCalls(0, soak.warmupCalls);
  retireAll();
  const baselineBytes = await settledHeap();
  await runCalls(soak.warmupCalls, soak.calls);
  clearInterval(collector);
  retireAll();
  const report = reportNow({ baselineBytes, afterBytes: 0, deltaBytes: 0 }, false);
  const afterBytes = await settledHeap();
  report.heap = { baselineBytes, afterBytes, deltaBytes: afterBytes - baselineBytes };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  // Calls that hung may still hold sockets open; the report is out, so end here.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak runner failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(70);
});
