import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests run real servers (the simulator, Prism) and real timers on loaded machines: generous budget.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
