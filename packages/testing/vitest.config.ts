import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real servers on a shared 2-core machine: leave room for a slow moment.
    testTimeout: 20_000,
  },
});
