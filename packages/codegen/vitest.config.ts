import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  // .tmp holds temporary workspaces, among them scaffolded packages with their own tests.
  test: { testTimeout: 120_000, hookTimeout: 60_000, exclude: [...configDefaults.exclude, ".tmp/**"] },
});
