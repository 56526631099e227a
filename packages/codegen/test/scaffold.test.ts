/**
 * A new broker's package: scaffolding writes the package around the code and a smoke test, turbo then
 * generates the code once, and the package's own test passes by making a real request through the
 * generated client to a node:http server on 127.0.0.1.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../src/generate.js";
import { packageRoot, tempWorkspace } from "./helpers.js";

const ws = tempWorkspace(["minibroker"]);
afterAll(() => ws.dispose());
// The scaffolded tsconfig extends the workspace's, as in this repository.
copyFileSync(join(packageRoot, "../../tsconfig.base.json"), join(ws.root, "tsconfig.base.json"));
const pkg = join(ws.packagesDir, "minibroker");

describe("scaffolding a new broker", () => {
  it("--scaffold-only writes the package and its smoke test, and no generated code", async () => {
    const [report] = await generate({ root: ws.root, scaffoldOnly: true });
    expect(report?.written).toEqual([
      "package.json",
      "README.md",
      "src/index.ts",
      "test/smoke.test.ts",
      "tsconfig.build.json",
      "tsconfig.json",
      "turbo.json",
    ]);
    expect(existsSync(join(pkg, "src/generated"))).toBe(false);
  });

  it("the next run (turbo's) generates the code, once, and leaves the scaffold alone", async () => {
    const [report] = await generate({ root: ws.root });
    expect(report?.written.every((f) => f.startsWith("src/generated/"))).toBe(true);
    expect(report?.written).toContain("src/generated/trading/types.ts");
    const [again] = await generate({ root: ws.root });
    expect(again?.written).toEqual([]);
  });

  it("the package's own test passes: a request through the generated client reaches a local server", () => {
    const smoke = readFileSync(join(pkg, "test/smoke.test.ts"), "utf8");
    expect(smoke).toContain('await call("/v2/orders", { params: { path: {} } });');
    // The package's `test` script is `vitest run`, run here in the package's folder.
    const vitest = join(packageRoot, "../../node_modules/vitest/vitest.mjs");
    const result = spawnSync(process.execPath, [vitest, "run"], {
      cwd: pkg,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/Tests\s+1 passed \(1\)/);
    expect(result.status, output).toBe(0);
  });
});
