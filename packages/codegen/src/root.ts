/** The repository root: the nearest folder, from `start` upwards, holding pnpm-workspace.yaml. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function findRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 64; i++) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return start;
}
