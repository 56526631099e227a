/** Changesets for spec changes go beside the specs folder that `--specs` names, not into the root's `.changeset`. */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { fixturesDir, packageRoot, tempWorkspace } from "./helpers.js";

const ws = tempWorkspace();
afterAll(() => ws.dispose());
const elsewhere = join(ws.root, "elsewhere");
const cli = () =>
  spawnSync(
    process.execPath,
    [
      join(packageRoot, "bin/brokerkit.mjs"),
      "generate",
      ...["--root", ws.root, "--specs", join(elsewhere, "specs"), "--packages", join(elsewhere, "packages")],
    ],
    { encoding: "utf8" },
  );

it("a spec change's changeset is written to <specs>/../.changeset", () => {
  cpSync(join(fixturesDir, "minibroker"), join(elsewhere, "specs/minibroker"), { recursive: true });
  expect(cli().status).toBe(0);
  const schemas = join(elsewhere, "specs/minibroker/schemas/order.yaml");
  const text = readFileSync(schemas, "utf8");
  writeFileSync(
    schemas,
    text.replace("    qty: { type: number }\n", "    qty: { type: number }\n    note: { type: string }\n"),
  );
  const result = cli();
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(
    /spec changes: a minor version → elsewhere\/\.changeset\/minibroker-spec-[0-9a-f]{10}\.md/,
  );
  expect(readdirSync(join(elsewhere, ".changeset"))).toHaveLength(1);
  expect(existsSync(join(ws.root, ".changeset"))).toBe(false);
});
