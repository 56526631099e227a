/**
 * A broker's spec changes between two generations: the generator classifies the change against the
 * snapshot it wrote last time, writes a changeset, and refuses breaking changes unless allowed.
 * The CLI runs as a child process (the built bin), as `pnpm generate` runs it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BreakingChangesError } from "../src/changes/breaking.js";
import { generate } from "../src/generate.js";
import { packageRoot, tempWorkspace } from "./helpers.js";

const ws = tempWorkspace(["minibroker"]);
afterAll(() => ws.dispose());
const pkg = join(ws.packagesDir, "minibroker");
const changesets = join(ws.root, ".changeset");
const specFile = join(ws.specsDir, "minibroker/trading.yaml");
const schemaFile = join(ws.specsDir, "minibroker/schemas/order.yaml");
const edit = (file: string, from: string, to: string) => {
  const text = readFileSync(file, "utf8");
  expect(text, `${file} contains the text to replace`).toContain(from);
  writeFileSync(file, text.replace(from, to));
};
const listChangesets = () => (existsSync(changesets) ? readdirSync(changesets).sort() : []);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(packageRoot, "bin/brokerkit.mjs"), "generate", "--root", ws.root, ...args], {
    encoding: "utf8",
  });

/** Every file under a folder with its content, to prove that nothing was written. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name)] = readFileSync(join(entry.parentPath, entry.name), "utf8");
  }
  return out;
}

describe("spec changes between generations", () => {
  it("a new package records its spec snapshot and writes no changeset", async () => {
    const [report] = await generate({ root: ws.root });
    expect(report?.created).toBe(true);
    expect(report?.written).toContain("src/generated/trading/spec.snapshot.json");
    expect(report?.changes.bump).toBeUndefined();
    expect(listChangesets()).toEqual([]);
    const snapshot = JSON.parse(readFileSync(join(pkg, "src/generated/trading/spec.snapshot.json"), "utf8"));
    expect(Object.keys(snapshot.documents)).toEqual(["schemas/order.yaml", "trading.yaml"]);
  });

  it("an optional field added to a copy of the spec writes a minor changeset", async () => {
    edit(
      schemaFile,
      "    client_order_id: { type: string }\n",
      "    client_order_id: { type: string }\n    notes: { type: string }\n",
    );
    const [report] = await generate({ root: ws.root });
    expect(report?.changes.bump).toBe("minor");
    expect(listChangesets()).toHaveLength(1);
    const text = readFileSync(join(ws.root, report?.changeset as string), "utf8");
    expect(text).toMatch(/^---\n"@brokerkit\/minibroker": minor\n---\n/);
    expect(text).toContain("- schema `schemas/order.yaml#/NewOrder`: added optional field `notes`");
    expect(text).toContain("`trading` API (specs/minibroker/trading.yaml)");
    // The next generation compares against the new snapshot: nothing more to say.
    const [again] = await generate({ root: ws.root });
    expect(again?.written).toEqual([]);
    expect(again?.changes.bump).toBeUndefined();
    expect(listChangesets()).toHaveLength(1);
  });

  it("--check reports a changed spec as stale with its classification, and writes nothing", async () => {
    edit(specFile, "title: Minibroker trading", "title: Minibroker trading API");
    const before = tree(ws.root);
    const [report] = await generate({ root: ws.root, check: true });
    expect(report?.stale).toContain("src/generated/trading/spec.snapshot.json (differs)");
    expect(report?.changes.bump).toBe("patch");
    expect(report?.changes.apis[0]?.changes).toEqual([
      { bump: "patch", message: "Documentation and examples updated (1 place)" },
    ]);
    expect(tree(ws.root)).toEqual(before);
    const [written] = await generate({ root: ws.root });
    expect(written?.changes.bump).toBe("patch");
    expect(readFileSync(join(ws.root, written?.changeset as string), "utf8")).toMatch(
      /"@brokerkit\/minibroker": patch/,
    );
    for (const name of listChangesets()) rmSync(join(changesets, name));
  });

  it("a removed operation is refused before anything is written", async () => {
    edit(
      specFile,
      / {2}\/v2\/events\/trades:\n[\s\S]*?(?= {2}\/session:)/.exec(readFileSync(specFile, "utf8"))?.[0] as string,
      "",
    );
    const before = tree(ws.root);
    const error = await generate({ root: ws.root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakingChangesError);
    expect((error as Error).message).toContain("Removed operation `GET /v2/events/trades` (streamTrades)");
    expect((error as Error).message).toContain("--allow-breaking");
    expect(tree(ws.root)).toEqual(before);

    const refused = cli();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("@brokerkit/minibroker, `trading` API (specs/minibroker/trading.yaml):");
    expect(refused.stderr).toContain("- Removed operation `GET /v2/events/trades` (streamTrades)");
    expect(refused.stderr).toContain("Nothing was written");
    expect(tree(ws.root)).toEqual(before);
  });

  it("--allow-breaking adopts it and writes a major changeset", () => {
    const adopted = cli("--allow-breaking");
    expect(adopted.stderr).toBe("");
    expect(adopted.status).toBe(0);
    expect(adopted.stdout).toContain("spec changes: a major version → .changeset/minibroker-spec-");
    expect(adopted.stdout).toContain("[major] trading: Removed operation `GET /v2/events/trades` (streamTrades)");
    const [name] = listChangesets();
    const text = readFileSync(join(changesets, name as string), "utf8");
    expect(text).toMatch(/^---\n"@brokerkit\/minibroker": major\n---\n/);
    expect(text).toContain("- **Breaking:** Removed operation `GET /v2/events/trades` (streamTrades)");
    expect(readFileSync(join(pkg, "src/generated/trading/config.ts"), "utf8")).not.toContain("/v2/events/trades");
    expect(cli("--check").status).toBe(0);
  });

  it("an existing package without a snapshot records a baseline, not a change", async () => {
    rmSync(join(pkg, "src/generated/trading/spec.snapshot.json"));
    for (const name of listChangesets()) rmSync(join(changesets, name));
    edit(specFile, "title: Minibroker trading API", "title: Minibroker");
    const [report] = await generate({ root: ws.root });
    expect(report?.changes.apis.map((a) => a.status)).toEqual(["baseline"]);
    expect(report?.changes.bump).toBeUndefined();
    expect(listChangesets()).toEqual([]);
    expect(existsSync(join(pkg, "src/generated/trading/spec.snapshot.json"))).toBe(true);
  });
});
