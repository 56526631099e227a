import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real simulators, a real proxy and real timers on a shared 2-core machine; the suites assert their
    // own per-call bounds, these only stop a runaway file.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // The soak measures its child's heap and wall time: keep the matrix from running beside it.
    fileParallelism: false,
    // Rows run a few at a time: each has its own simulator and proxy, and a 800 ms deadline.
    maxConcurrency: 3,
    // The matrix collects garbage while stalled calls are pending (settle.ts: collectGarbage).
    execArgv: ["--expose-gc"],
  },
});
