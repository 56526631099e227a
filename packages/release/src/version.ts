/** `changeset version`: turns pending changesets (from `pnpm generate` or written by hand) into versions and changelogs. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { workspacePackages } from "./workspace.js";

export function pendingChangesets(root: string): string[] {
  const dir = join(root, ".changeset");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".md") && f !== "README.md")
    .sort();
}

export function changesetBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@changesets/cli/package.json")), "bin.js");
}

export interface VersionBump {
  name: string;
  from: string;
  to: string;
}

/** Runs `changeset version` in `root` and returns the packages whose version changed. */
export function applyChangesets(root: string, log: (line: string) => void = () => {}): VersionBump[] {
  const before = new Map(workspacePackages(root).map((p) => [p.name, p.version]));
  const result = spawnSync(process.execPath, [changesetBin(), "version"], { cwd: root, encoding: "utf8" });
  for (const line of `${result.stdout}${result.stderr}`.trim().split("\n")) if (line.trim()) log(line);
  if (result.status !== 0) throw new Error(`changeset version failed (exit ${result.status})`);
  return workspacePackages(root)
    .filter((p) => before.get(p.name) !== p.version)
    .map((p) => ({ name: p.name, from: before.get(p.name) ?? "(new)", to: p.version }));
}
