/**
 * The soak's client side, run as its own process by test/soak.test.ts with
 * `node --unhandled-rejections=strict --expose-gc`, so that its heap holds only the clients (the
 * simulators and the proxies stay in the test process) and an unhandled rejection cannot hide.
 *
 * It makes a warm-up, takes a heap baseline after GC, makes the measured calls (a seeded mix of GETs and
 * orders over the three brokers, `concurrency` at a time, each raced against its bound), drops the clients,
 * collects garbage again and prints one JSON line: the SoakReport.
 */

import { appendFileSync } from "node:fs";
import { BrokerkitError } from "@brokerkit/middleware";
import { seededRandom } from "@brokerkit/testing";
import { type BrokerCalls, type BrokerName, brokerCalls, type CallKind, callBound } from "./clients.js";
import { errorSurfaces, eventSurfaces } from "./secrets.js";
import { describeOutcome, type Outcome, settleWithin } from "./settle.js";
import { SOAK_CONFIG_ENV, type SoakConfig, type SoakReport } from "./soak-plan.js";

const BROKERS: BrokerName[] = ["alor", "alpaca", "saxo"];
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
/** Which calls are orders, fixed up front so the plan does not depend on which call finishes first. */
const random = seededRandom(config.seed);
const isOrder = Array.from({ length: config.warmupCalls + config.calls }, () => random() < config.orderShare);

interface ActiveClient {
  calls: BrokerCalls;
  served: number;
  /** The client's latest events, to show what a hung call was doing. */
  recent: string[];
  /**
   * Settles when the client's previous order has: like a trader, the soak places one order at a time
   * per account, so Saxo's one-order-per-second bucket queues no more than one call.
   */
  previousOrder: Promise<unknown>;
}

/** The client serving a broker's calls now, and how many it has served. */
const current = new Map<BrokerName, ActiveClient>();
const RECENT_EVENTS = 12;

function clientFor(broker: BrokerName): ActiveClient {
  const active = current.get(broker);
  if (active && active.served < (config as SoakConfig).callsPerClient) {
    active.served++;
    return active;
  }
  const pool = (config as SoakConfig).access[broker];
  const access = pool[clientsCreated[broker] % pool.length];
  if (!access) throw new Error(`soak runner: no credentials for ${broker}`);
  clientsCreated[broker]++;
  const recent: string[] = [];
  const calls = brokerCalls(access, (config as SoakConfig).tuning, (event) => {
    keepSurfaces(`${broker} event ${event.type}`, eventSurfaces(event));
    recent.push(`${Math.round(performance.now())} ${JSON.stringify(event)}`);
    if (recent.length > RECENT_EVENTS) recent.shift();
  });
  const client: ActiveClient = { calls, served: 1, recent, previousOrder: Promise.resolve() };
  current.set(broker, client);
  return client;
}

function record(broker: BrokerName, kind: CallKind, outcome: Outcome, boundMs: number, client: ActiveClient): void {
  const label = outcome.kind === "error" ? className(outcome.error) : describeOutcome(outcome);
  outcomes[label] = (outcomes[label] ?? 0) + 1;
  if (outcome.kind === "hung") {
    hungCount++;
    const now = Math.round(performance.now());
    const events = client.recent.join("\n    ");
    if (hung.length < SAMPLES)
      hung.push(`${broker} ${kind} (bound ${boundMs} ms, now ${now}); its client's last events:\n    ${events}`);
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
  const broker = BROKERS[index % BROKERS.length] as BrokerName;
  const kind: CallKind = isOrder[index] ? "order" : "get";
  const client = clientFor(broker);
  const { calls } = client;
  const boundMs = callBound(broker, kind, soak.tuning, soak.queueMs);
  if (kind === "get") {
    const { outcome } = await settleWithin(() => calls.get(), boundMs);
    record(broker, kind, outcome, boundMs, client);
    return;
  }
  const marker = `soak-${soak.seed}-${index}`;
  orderMarkers[broker].push(marker);
  const turn = client.previousOrder.then(() => settleWithin(() => calls.order(marker), boundMs));
  client.previousOrder = turn;
  const { outcome } = await turn;
  record(broker, kind, outcome, boundMs, client);
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

async function main(): Promise<void> {
  const soak = config as SoakConfig;
  // Full collections now and then, as in a long-lived process: an abort that hangs on a collectable
  // object (settle.ts) is then lost reliably rather than by chance.
  const collector = setInterval(collect, GC_EVERY_MS);
  const started = performance.now();
  await runCalls(0, soak.warmupCalls);
  current.clear();
  const baselineBytes = await settledHeap();
  await runCalls(soak.warmupCalls, soak.calls);
  const wallMs = Math.round(performance.now() - started);
  clearInterval(collector);
  current.clear();
  const afterBytes = await settledHeap();
  const report: SoakReport = {
    calls: soak.warmupCalls + soak.calls,
    wallMs,
    outcomes,
    hung,
    hungCount,
    untyped,
    untypedCount,
    unhandledRejections,
    heap: { baselineBytes, afterBytes, deltaBytes: afterBytes - baselineBytes },
    orderMarkers,
    clientsCreated,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  // Calls that hung may still hold sockets open; the report is out, so end here.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak runner failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(70);
});
