/** Drives a call at a fixed concurrency for a fixed time and measures throughput and client CPU. */

export interface LoadResult {
  requests: number;
  elapsedMs: number;
  /** Requests per second. */
  rps: number;
  /** Client CPU (user + system) per request, in microseconds. */
  cpuUsPerRequest: number;
}

export async function runLoad(
  call: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<LoadResult> {
  let requests = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      requests++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests,
    elapsedMs,
    rps: (requests / elapsedMs) * 1000,
    cpuUsPerRequest: (cpu.user + cpu.system) / requests,
  };
}

/** Runs `count` calls at the given concurrency (for warm-up and fixed-size workloads). */
export async function runCount(call: () => Promise<unknown>, concurrency: number, count: number): Promise<void> {
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
