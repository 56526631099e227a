/**
 * From a spec change to a version: generation writes a changeset (minor for an optional field, major for a
 * removed operation, only with allowBreaking), and `changeset version` bumps the package accordingly.
 * Runs in a temporary workspace with the repository's .changeset/config.json.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BreakingChangesError, generate } from "@brokerkit/codegen";
import { afterAll, describe, expect, it } from "vitest";
import { applyChangesets, pendingChangesets } from "../src/version.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const root = mkdtempSync(join(tmpdir(), "brokerkit-versioning-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
writeFileSync(join(root, "package.json"), json({ name: "workspace", private: true }));
writeFileSync(join(root, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n");
mkdirSync(join(root, ".changeset"));
cpSync(join(repo, ".changeset/config.json"), join(root, ".changeset/config.json"));
for (const name of ["middleware", "codegen"]) {
  mkdirSync(join(root, "packages", name), { recursive: true });
  writeFileSync(join(root, "packages", name, "package.json"), json({ name: `@brokerkit/${name}`, version: "0.1.0" }));
}
cpSync(join(repo, "packages/codegen/test/fixtures/minibroker"), join(root, "specs/minibroker"), { recursive: true });
const schemaFile = join(root, "specs/minibroker/schemas/order.yaml");
const specFile = join(root, "specs/minibroker/trading.yaml");
const version = () =>
  (JSON.parse(readFileSync(join(root, "packages/minibroker/package.json"), "utf8")) as { version: string }).version;
const changelog = () => readFileSync(join(root, "packages/minibroker/CHANGELOG.md"), "utf8");

describe("versions follow spec changes", () => {
  it("starts at 0.1.0 with no changeset", async () => {
    await generate({ root });
    expect(version()).toBe("0.1.0");
    expect(pendingChangesets(root)).toEqual([]);
  });

  it("an added optional field: minor changeset, 0.1.0 → 0.2.0", async () => {
    const text = readFileSync(schemaFile, "utf8");
    writeFileSync(
      schemaFile,
      text.replace(
        "    client_order_id: { type: string }\n",
        "    client_order_id: { type: string }\n    notes: { type: string }\n",
      ),
    );
    const [report] = await generate({ root });
    expect(report?.changes.bump).toBe("minor");
    expect(pendingChangesets(root)).toHaveLength(1);
    expect(applyChangesets(root)).toEqual([{ name: "@brokerkit/minibroker", from: "0.1.0", to: "0.2.0" }]);
    expect(version()).toBe("0.2.0");
    expect(pendingChangesets(root)).toEqual([]);
    expect(changelog()).toContain("## 0.2.0");
    expect(changelog()).toContain("added optional field `notes`");
  });

  it("a removed operation: refused without allowBreaking, then a major changeset, 0.2.0 → 1.0.0", async () => {
    const text = readFileSync(specFile, "utf8");
    const operation = / {2}\/v2\/events\/trades:\n[\s\S]*?(?= {2}\/session:)/.exec(text)?.[0] as string;
    expect(operation).toContain("streamTrades");
    writeFileSync(specFile, text.replace(operation, ""));
    await expect(generate({ root })).rejects.toBeInstanceOf(BreakingChangesError);
    expect(pendingChangesets(root)).toEqual([]);
    const [report] = await generate({ root, allowBreaking: true });
    expect(report?.changes.bump).toBe("major");
    expect(applyChangesets(root)).toEqual([{ name: "@brokerkit/minibroker", from: "0.2.0", to: "1.0.0" }]);
    expect(changelog()).toMatch(/## 1\.0\.0\n\n### Major Changes\n[\s\S]*Removed operation `GET \/v2\/events\/trades`/);
    expect(readdirSync(join(root, ".changeset")).sort()).toEqual(["config.json"]);
  });
});
