import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests run a real simulator (and Prism) with real timers on loaded machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
