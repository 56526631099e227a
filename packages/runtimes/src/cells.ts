/**
 * One cell of the matrix = one runtime running one broker's scenario (clients/scenarios.cjs) as a
 * consumer would load the packages in it. Every runner prints (or returns) the same outcome JSON.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { REPO_ROOT, RUNTIME_CACHE } from "./runtimes.js";

export interface Outcome {
  ok: boolean;
  summary?: string;
  error?: string;
}

export const PACKAGE_DIR = join(REPO_ROOT, "packages", "runtimes");
export const CLIENTS = join(PACKAGE_DIR, "clients");
const BUILD_DIR = join(PACKAGE_DIR, ".tmp");
/** Bounds every child process: a hung runtime fails its cell instead of the whole run. */
const CELL_TIMEOUT_MS = 60_000;

/** Runs a command-line runner and reads the outcome from its last line of output. */
export async function runProcess(command: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const child = spawn(command, args, {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), CELL_TIMEOUT_MS);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as Outcome;
  } catch {
    return { ok: false, error: `exit ${code}: ${(stderr || stdout).trim().slice(-600)}` };
  }
}

/** esbuild bundle of a runner for a platform without npm resolution (workerd, the browser); no shims. */
export async function bundle(entry: string, outfile: string, conditions: string[]): Promise<string> {
  const path = join(BUILD_DIR, outfile);
  await build({
    entryPoints: [join(CLIENTS, entry)],
    outfile: path,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions,
    logLevel: "silent",
  });
  return path;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface Workerd {
  url: string;
  run(broker: string, config: unknown): Promise<Outcome>;
  close(): Promise<void>;
}

/** workerd serving the bundled worker, with outbound network to 127.0.0.1 and no nodejs_compat. */
export async function startWorkerd(binary: string): Promise<Workerd> {
  const dir = join(BUILD_DIR, "workerd");
  mkdirSync(dir, { recursive: true });
  await bundle("worker.mjs", "workerd/worker.js", ["workerd", "worker"]);
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-01-01",
  globalOutbound = "loopback",
);
`,
  );
  const port = await freePort();
  const child = spawn(binary, ["serve", join(dir, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, XDG_CACHE_HOME: join(RUNTIME_CACHE, "xdg") },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  // Bounded wait for the socket: 200 tries of 50 ms.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${stderr.trim()}`);
    const up = await fetch(url, { method: "POST", body: "{}" }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (attempt >= 200) throw new Error(`workerd did not listen on ${url}: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    run: async (broker, config) => {
      const answer = await fetch(url, { method: "POST", body: JSON.stringify({ broker, config }) });
      const text = await answer.text();
      try {
        return JSON.parse(text) as Outcome;
      } catch {
        return { ok: false, error: `workerd answered ${answer.status}: ${text.slice(0, 300)} ${stderr.slice(-300)}` };
      }
    },
    close: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
