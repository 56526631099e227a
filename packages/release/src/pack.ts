/** `pnpm pack` per package: the tarball is the one artifact that is checked and then published. */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { readTarball, type TarballFiles } from "./tarball.js";
import type { WorkspacePackage } from "./workspace.js";

export interface PackedPackage {
  pkg: WorkspacePackage;
  tarball: string;
  /** Compressed size in bytes. */
  size: number;
  /** Uncompressed size of all files in bytes. */
  unpackedSize: number;
  files: TarballFiles;
  /** package.json as published (`workspace:` ranges replaced by versions). */
  manifest: Record<string, unknown>;
}

export async function packPackage(pkg: WorkspacePackage, destination: string): Promise<PackedPackage> {
  // pnpm (not npm) packs: it rewrites `workspace:` ranges into the versions being released.
  const result = spawnSync("pnpm", ["pack", "--pack-destination", destination, "--json"], {
    cwd: pkg.dir,
    encoding: "utf8",
    env: { ...process.env, npm_config_loglevel: "error" },
  });
  if (result.status !== 0) {
    throw new Error(`pnpm pack failed in ${pkg.dir} (exit ${result.status}): ${result.stderr.trim().slice(0, 1000)}`);
  }
  const jsonStart = result.stdout.indexOf("{");
  const { filename } = JSON.parse(result.stdout.slice(jsonStart)) as { filename: string };
  const files = await readTarball(filename);
  const manifestData = files.get("package.json");
  if (!manifestData) throw new Error(`${filename} has no package.json`);
  let unpackedSize = 0;
  for (const data of files.values()) unpackedSize += data.length;
  return {
    pkg,
    tarball: filename,
    size: statSync(filename).size,
    unpackedSize,
    files,
    manifest: JSON.parse(manifestData.toString("utf8")) as Record<string, unknown>,
  };
}
