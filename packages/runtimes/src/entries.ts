/** Every public entry of every published package, read from their package.json `exports`. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./runtimes.js";

export interface PublishedPackage {
  name: string;
  dir: string;
  /** Package specifiers of the code entries (`@scope/pkg`, `@scope/pkg/sub`), JSON files left out. */
  entries: string[];
}

export function publishedPackages(): PublishedPackage[] {
  const root = join(REPO_ROOT, "packages");
  const found: PublishedPackage[] = [];
  for (const dir of readdirSync(root)) {
    let manifest: { name: string; private?: boolean; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    if (manifest.private || !manifest.exports) continue;
    const entries = Object.keys(manifest.exports)
      .filter((subpath) => !subpath.endsWith(".json"))
      .map((subpath) => (subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
    found.push({ name: manifest.name, dir: join(root, dir), entries });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Node-only by nature: the Redis client (ioredis), the generator (file system, TypeScript), the file cache. */
export const NODE_ONLY = new Set(["@brokerkit/redis", "@brokerkit/codegen", "@brokerkit/middleware/file-cache"]);
