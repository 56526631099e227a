import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests run real servers and real timers on loaded machines: generous per-test budget.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
