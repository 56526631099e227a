import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each block is a child process talking to real simulators on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxConcurrency: 3,
  },
});
