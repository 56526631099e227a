/**
 * Forks worker processes (test/workers/client-worker.mjs) and follows them: ready, go, their token
 * exchanges, their reports. Every wait is bounded; `killAll` ends the ones still running.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const WORKER = join(here, "../workers/client-worker.mjs");
const BUILT = join(here, "../../dist/index.js");

export interface WorkerParams {
  redisUrl: string;
  apiUrl: string;
  refreshToken: string;
  encryptionKey: string;
  keyPrefix: string;
  calls: number;
  limit?: number;
  intervalMs?: number;
  lockTimeoutMs?: number;
}

export interface Worker {
  readonly child: ChildProcess;
  /** Outcome counts, e.g. `{ "status 200": 300 }`. Rejects if the process ends without reporting. */
  readonly report: Promise<Record<string, number>>;
  /** Resolves when this worker starts a token exchange. */
  readonly refreshing: Promise<void>;
}

export async function startWorkers(count: number, params: WorkerParams, readyTimeoutMs = 20_000): Promise<Worker[]> {
  if (!existsSync(BUILT)) {
    throw new Error(
      `${BUILT} is missing: build first (pnpm --filter @brokerkit/redis build); workers run the built package`,
    );
  }
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const child = fork(WORKER, [], {
      env: { ...process.env, BROKERKIT_WORKER: JSON.stringify(params) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let onReady!: () => void;
    let onRefreshing!: () => void;
    ready.push(new Promise<void>((resolve) => (onReady = resolve)));
    const refreshing = new Promise<void>((resolve) => (onRefreshing = resolve));
    const report = new Promise<Record<string, number>>((resolve, reject) => {
      child.on("message", (message: { type?: string; outcomes?: Record<string, number> }) => {
        if (message.type === "ready") onReady();
        else if (message.type === "refreshing") onRefreshing();
        else if (message.type === "done") resolve(message.outcomes ?? {});
      });
      child.once("exit", (code, signal) =>
        reject(new Error(`worker ${child.pid} ended (${signal ?? code}) before reporting`)),
      );
    });
    report.catch(() => {});
    workers.push({ child, report, refreshing });
  }
  await within(Promise.all(ready), readyTimeoutMs, "workers did not get ready");
  return workers;
}

export function go(workers: readonly Worker[]): void {
  for (const worker of workers) worker.child.send({ type: "go" });
}

export function killAll(workers: readonly Worker[]): void {
  for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** `work`, or a rejection naming what did not happen within `ms`. */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
