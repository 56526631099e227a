// Shared helpers for the repo scripts: run commands with visible progress, find pnpm.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PNPM_VERSION = "10.34.9";

export function step(title) {
  console.log(`\n\x1b[1m▸ ${title}\x1b[0m`);
  return performance.now();
}

export function done(started) {
  console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Runs a command in the repo root (or `options.cwd`), streaming its output (or as `options.stdio` says);
 * exits the script on failure unless `options.allowFailure`.
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    stdio: options.stdio ?? "inherit",
    env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env, ...options.env },
  });
  if (result.error) {
    console.error(`\n✗ could not start ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`\n✗ ${[command, ...args].join(" ")} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
  return result.status;
}

function pnpmWorks() {
  const result = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  return result.status === 0 && result.stdout.trim() === PNPM_VERSION;
}

/** Makes sure pnpm (the pinned version) is on PATH, installing it with npm when missing. */
export function ensurePnpm() {
  // Started by the pinned pnpm itself (`pnpm generate`): nothing to check, and no process to spawn.
  if (process.env.npm_config_user_agent?.startsWith(`pnpm/${PNPM_VERSION} `)) return;
  if (pnpmWorks()) return;
  const started = step(`Installing pnpm ${PNPM_VERSION} with npm (Node ${process.version})`);
  run("npm", ["install", "--global", "--no-fund", "--no-audit", `pnpm@${PNPM_VERSION}`]);
  if (!pnpmWorks()) {
    console.error(
      `✗ pnpm ${PNPM_VERSION} is still not on PATH after installing it; add npm's global bin folder to PATH`,
    );
    process.exit(1);
  }
  done(started);
}

/** pnpm install (frozen lockfile) and a build of the code generator, which every later step needs. */
export function ensureSetup() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) {
    console.error(`✗ brokerkit needs Node 20 or newer (this is ${process.version})`);
    process.exit(1);
  }
  ensurePnpm();
  let started = step("Installing dependencies (pnpm install --frozen-lockfile)");
  run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"]);
  done(started);
  started = step("Building the code generator");
  run("pnpm", ["exec", "turbo", "run", "build", "--filter=@brokerkit/codegen", "--output-logs=errors-only"]);
  done(started);
}

export const hasShared = () => existsSync(join(root, "..", "shared", "specs"));

/** Runs the workspace's turbo directly (no `pnpm exec` start-up). */
export function turbo(args, options) {
  return run(join(root, "node_modules", ".bin", "turbo"), args, options);
}
