import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real redis-server and worker processes on loaded machines: generous budgets.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // One redis-server per file; files share the machine's two cores, so run them one at a time.
    fileParallelism: false,
  },
});
