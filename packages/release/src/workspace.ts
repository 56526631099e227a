/** The workspace's packages, and the public ones in the order they must be published (dependencies first). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface WorkspacePackage {
  name: string;
  version: string;
  dir: string;
  private: boolean;
  manifest: Record<string, unknown>;
}

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"] as const;

export function workspacePackages(root: string): WorkspacePackage[] {
  const dir = join(root, "packages");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "package.json")))
    .map((e) => {
      const manifest = JSON.parse(readFileSync(join(dir, e.name, "package.json"), "utf8")) as Record<string, unknown>;
      return {
        name: String(manifest.name),
        version: String(manifest.version),
        dir: join(dir, e.name),
        private: manifest.private === true,
        manifest,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Public packages, each after the workspace packages it depends on. */
export function publicPackages(root: string): WorkspacePackage[] {
  const candidates = workspacePackages(root).filter((p) => !p.private);
  const byName = new Map(candidates.map((p) => [p.name, p]));
  const ordered: WorkspacePackage[] = [];
  const visiting = new Set<string>();
  const visit = (pkg: WorkspacePackage) => {
    if (ordered.includes(pkg) || visiting.has(pkg.name)) return;
    visiting.add(pkg.name);
    for (const field of DEPENDENCY_FIELDS) {
      const deps = (pkg.manifest[field] ?? {}) as Record<string, string>;
      for (const name of Object.keys(deps).sort()) {
        const dep = byName.get(name);
        if (dep) visit(dep);
      }
    }
    ordered.push(pkg);
  };
  for (const pkg of candidates) visit(pkg);
  return ordered;
}
