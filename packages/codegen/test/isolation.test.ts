/**
 * One broken broker folder does not stop the others: the real CLI (the built bin, as `pnpm generate`
 * runs it) on a temporary specs folder with two brokers, one of them broken.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { packageRoot, type TempWorkspace, tempWorkspace } from "./helpers.js";

let ws: TempWorkspace | undefined;
afterEach(() => ws?.dispose());

const cli = (root: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(packageRoot, "bin/brokerkit.mjs"), "generate", "--root", root, ...args], {
    encoding: "utf8",
  });

/** minibroker, and `broken`: a copy under another package name, with `change` applied to one of its files. */
function twoBrokers(file: string, change: (text: string) => string): TempWorkspace {
  ws = tempWorkspace(["minibroker"]);
  const broken = join(ws.specsDir, "broken");
  cpSync(join(ws.specsDir, "minibroker"), broken, { recursive: true });
  const manifest = join(broken, "broker.yaml");
  writeFileSync(manifest, readFileSync(manifest, "utf8").replace("@brokerkit/minibroker", "@brokerkit/broken"));
  const target = join(broken, file);
  const text = readFileSync(target, "utf8");
  const changed = change(text);
  expect(changed, "the change applies").not.toBe(text);
  writeFileSync(target, changed);
  return ws;
}

describe("a broken broker does not stop the others", () => {
  it("a broken manifest: reported, the other broker generated, exit code 1", () => {
    const { root, packagesDir } = twoBrokers("broker.yaml", (t) => t.replace("limit: 50", "limit: fifty"));
    const result = cli(root);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /^minibroker \(new package\): \d+ written, 0 unchanged in \d+ ms → packages\/minibroker$/m,
    );
    expect(result.stderr).toBe(
      [
        "",
        "brokerkit: 1 broker(s) failed: broken; 1 generated",
        "broken: 1 problem(s)",
        '  specs/broken/broker.yaml:30:12: rateLimits[0].limit: expected integer, got string "fifty"',
        "",
      ].join("\n"),
    );
    expect(existsSync(join(packagesDir, "minibroker/src/generated/trading/types.ts"))).toBe(true);
    expect(existsSync(join(packagesDir, "broken"))).toBe(false);
  });

  it("a broken spec: the same, in --check mode too", () => {
    const { root, packagesDir } = twoBrokers("trading.yaml", (t) =>
      t.replace("./schemas/order.yaml#/NewOrder", "https://example.com/order.yaml#/NewOrder"),
    );
    const generated = cli(root);
    expect(generated.status).toBe(1);
    expect(generated.stderr).toContain("brokerkit: 1 broker(s) failed: broken; 1 generated");
    expect(generated.stderr).toContain("remote references are not supported offline; vendor the file");
    expect(existsSync(join(packagesDir, "minibroker/src/generated/index.ts"))).toBe(true);

    const checked = cli(root, "--check");
    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/^minibroker: \d+ files up to date/m);
    expect(checked.stderr).toContain("brokerkit: 1 broker(s) failed: broken; 1 generated");
  });

  it("generating one broker by name ignores a broken other folder", () => {
    const { root } = twoBrokers("trading.yaml", (t) => t.replace("openapi: 3.1.0", "openapi: 2.0"));
    const result = cli(root, "minibroker");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^minibroker \(new package\)/m);
  });
});
