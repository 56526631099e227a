/**
 * A spec that `$ref`s a file outside its broker folder: the package's turbo.json lists that file as an
 * input of the generate task (so editing it regenerates), and `--check` agrees with what generation does.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../src/generate.js";
import { tempWorkspace } from "./helpers.js";

const ws = tempWorkspace(["minibroker"]);
afterAll(() => ws.dispose());
const brokerDir = join(ws.specsDir, "minibroker");
const shared = join(ws.specsDir, "common/order.yaml");
const turboJson = () => JSON.parse(readFileSync(join(ws.packagesDir, "minibroker/turbo.json"), "utf8"));

describe("turbo inputs follow the specs' references", () => {
  it("a schema file outside specs/<broker>/ is an input of the generate task", async () => {
    mkdirSync(join(ws.specsDir, "common"));
    renameSync(join(brokerDir, "schemas/order.yaml"), shared);
    const spec = join(brokerDir, "trading.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replaceAll("./schemas/order.yaml", "../common/order.yaml"));
    await generate({ root: ws.root });
    expect(turboJson().tasks.generate).toEqual({
      dependsOn: ["@brokerkit/codegen#build"],
      inputs: ["$TURBO_ROOT$/specs/minibroker/**", "$TURBO_ROOT$/specs/common/order.yaml"],
      outputs: ["src/generated/**"],
    });
  });

  it("editing that file makes --check fail, and generation fixes it", async () => {
    writeFileSync(
      shared,
      readFileSync(shared, "utf8").replace(
        "    qty: { type: number }\n",
        "    qty: { type: number }\n    note: { type: string }\n",
      ),
    );
    const [stale] = await generate({ root: ws.root, check: true });
    // Every file stamped with the spec's hash, and the types.
    const regenerated = ["client.ts", "config.ts", "index.ts", "ops.ts", "spec.snapshot.json", "types.ts"].map(
      (f) => `src/generated/trading/${f}`,
    );
    expect(stale?.stale).toEqual(regenerated.map((f) => `${f} (differs)`));
    const [written] = await generate({ root: ws.root });
    expect(written?.written).toEqual(regenerated);
    expect(readFileSync(join(ws.packagesDir, "minibroker/src/generated/trading/types.ts"), "utf8")).toContain(
      "note?: string;",
    );
    const [fresh] = await generate({ root: ws.root, check: true });
    expect(fresh?.stale).toEqual([]);
  });

  it("keeps what the maintainers added to turbo.json, and --check notices a stale input list", async () => {
    const file = join(ws.packagesDir, "minibroker/turbo.json");
    const edited = turboJson();
    edited.tasks.generate.inputs = ["$TURBO_ROOT$/specs/minibroker/**"];
    edited.tasks.lint = { inputs: ["src/**"] };
    writeFileSync(file, JSON.stringify(edited));
    const [stale] = await generate({ root: ws.root, check: true });
    expect(stale?.stale).toEqual(["turbo.json (differs)"]);
    await generate({ root: ws.root });
    expect(turboJson().tasks.lint).toEqual({ inputs: ["src/**"] });
    expect(turboJson().tasks.generate.inputs).toContain("$TURBO_ROOT$/specs/common/order.yaml");
  });
});
