/**
 * The embedded default registry: Verdaccio in a child process on 127.0.0.1, its storage and users in a
 * given folder (the ignored `.registry/` for `pnpm release`, a temporary one in tests). A user is created
 * without prompts (htpasswd line with a random password, registration closed) and exchanged for a token.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeUserConfig } from "./npmrc.js";

const SERVER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../bin/verdaccio-server.mjs");
const USER = "brokerkit-release";

export interface EmbeddedRegistry {
  url: string;
  pid: number;
  /** npm user config with this registry's token (mode 0600, inside `dir`). */
  userconfig: string;
  token: string;
  dir: string;
  logFile: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

export interface EmbeddedRegistryOptions {
  /** Folder for storage, htpasswd, config, log and the user config. */
  dir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Registry that packages outside @brokerkit are proxied from. Default: npm's configured registry. */
  upstream?: string;
  /** Detach the server so it outlives this process (`pnpm release --keep`). */
  detached?: boolean;
  /** How long to wait for it to listen. Default 30 s. */
  startTimeoutMs?: number;
}

export async function startEmbeddedRegistry(options: EmbeddedRegistryOptions): Promise<EmbeddedRegistry> {
  const dir = options.dir;
  mkdirSync(join(dir, "storage"), { recursive: true });
  const password = randomBytes(24).toString("base64url");
  const htpasswd = join(dir, "htpasswd");
  writeFileSync(htpasswd, `${USER}:{SHA}${createHash("sha1").update(password).digest("base64")}:autocreated\n`, {
    mode: 0o600,
  });
  const config = join(dir, "config.yaml");
  writeFileSync(config, verdaccioConfig(dir, htpasswd, options.upstream ?? npmRegistry()));
  const ready = join(dir, "server.json");
  rmSync(ready, { force: true });
  const logFile = join(dir, "verdaccio.log");
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [SERVER_SCRIPT, config, ready, String(options.port ?? 0)], {
    stdio: ["ignore", log, log],
    detached: options.detached ?? false,
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  const stop = () => stopChild(child);
  try {
    const url = await waitForReady(ready, () => exited, logFile, options.startTimeoutMs ?? 30_000);
    const token = await createToken(url, password);
    const userconfig = writeUserConfig(join(dir, "npmrc"), url, token);
    if (options.detached) child.unref();
    return { url, pid: child.pid as number, userconfig, token, dir, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function verdaccioConfig(dir: string, htpasswd: string, upstream: string): string {
  return `# Written by @brokerkit/release for the embedded registry; regenerated on every start.
storage: ${JSON.stringify(join(dir, "storage"))}
auth:
  htpasswd:
    file: ${JSON.stringify(htpasswd)}
    max_users: -1
uplinks:
  upstream:
    url: ${JSON.stringify(upstream)}
packages:
  "@brokerkit/*":
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  "**":
    access: $all
    publish: $authenticated
    proxy: upstream
max_body_size: 50mb
log: { type: stdout, format: pretty, level: warn }
`;
}

function npmRegistry(): string {
  const result = spawnSync("npm", ["config", "get", "registry"], { encoding: "utf8" });
  const url = result.stdout?.trim();
  return result.status === 0 && url?.startsWith("http") ? url : "https://registry.npmjs.org/";
}

async function waitForReady(
  file: string,
  exitCode: () => number | null | undefined,
  logFile: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, "utf8")) as { url: string }).url;
      } catch {
        // Written but not flushed yet: try again.
      }
    }
    if (exitCode() !== undefined) {
      throw new Error(`Verdaccio exited (code ${exitCode()}) before listening; log: ${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Verdaccio did not listen within ${timeoutMs} ms; log: ${tail(logFile)}`);
}

/** Logs the user in (Basic auth on the CouchDB user endpoint) and returns the token Verdaccio issues. */
async function createToken(url: string, password: string): Promise<string> {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${USER}`, url), {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${USER}:${password}`).toString("base64")}`,
    },
    body: JSON.stringify({ name: USER, password }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || !body.token) {
    throw new Error(
      `Verdaccio refused the login of ${USER} (HTTP ${response.status}${body.error ? `: ${body.error}` : ""})`,
    );
  }
  return body.token;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").slice(-10).join("\n") : "(no log)";
}
