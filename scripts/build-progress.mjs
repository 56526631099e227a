// `turbo run build` with visible progress: a line when each package's build starts (or comes from the
// cache), a line when its dist/ is written, and a heartbeat with the elapsed time while tsc is silent.
// Turbo's own lines for failures pass through unchanged, so an error still shows where it happened.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib.mjs";

const HEARTBEAT_MS = 10_000;
const POLL_MS = 1_000;
/** turbo's per-task status line, e.g. `@brokerkit/alor:build: cache miss, executing 5bd6…`. */
const TASK_STATUS = /^(\S+?):(\w+): cache (miss|hit|bypass)/;
/** Lines with nothing to tell: pnpm's script banners and blank lines. */
const NOISE = /^(\S+:\w+: )?(> |\s*$)/;

/** Package name → its dist/ folder. */
function distFolders() {
  const folders = new Map();
  for (const dir of readdirSync(join(root, "packages"))) {
    const manifest = join(root, "packages", dir, "package.json");
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, "utf8"));
    folders.set(name, join(root, "packages", dir, "dist"));
  }
  return folders;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the build; resolves with turbo's exit code. `log` receives each progress line. */
export function buildWithProgress(args = [], log = (line) => console.log(line)) {
  const started = performance.now();
  const wallStart = Date.now();
  const dists = distFolders();
  const running = new Map(); // "pkg:task" → start time (performance.now())
  let finished = 0;
  let total = 0;
  let lastPrinted = performance.now();
  const print = (line) => {
    lastPrinted = performance.now();
    log(line);
  };
  const elapsed = () => seconds(performance.now() - started);
  const builtSince = (name) => {
    const dist = dists.get(name);
    if (!dist || !existsSync(dist)) return false;
    return (
      statSync(dist).mtimeMs >= wallStart || readdirSync(dist).some((f) => statSync(join(dist, f)).mtimeMs >= wallStart)
    );
  };
  const finish = (key, how) => {
    const since = running.get(key);
    running.delete(key);
    finished++;
    print(
      `  ✓ ${key} ${how}${since === undefined ? "" : ` in ${seconds(performance.now() - since)}`} [${finished}/${total || "?"}, ${elapsed()}]`,
    );
  };

  const child = spawn("pnpm", ["exec", "turbo", "run", "build", "--output-logs=new-only", ...args], {
    cwd: root,
    env: { TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0", ...process.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onLine = (line) => {
    const scope = /Running build in (\d+) packages/.exec(line);
    if (scope) total = Number(scope[1]);
    const status = TASK_STATUS.exec(line);
    if (status) {
      const [, name, task, cache] = status;
      const key = `${name}:${task}`;
      if (cache === "hit") return void (task === "build" ? finish(key, "from the cache") : undefined);
      running.set(key, performance.now());
      if (task === "build") print(`  ▸ ${key} started [${elapsed()}]`);
      return;
    }
    if (/^\s*(Tasks|Cached|Time|Failed):/.test(line)) return print(`  ${line.trim()}`);
    if (NOISE.test(line) || /^\s*•/.test(line)) return;
    print(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    });
  }
  const timer = setInterval(() => {
    for (const key of [...running.keys()]) {
      const [name, task] = [key.slice(0, key.lastIndexOf(":")), key.slice(key.lastIndexOf(":") + 1)];
      if (task === "build" && builtSince(name)) finish(key, "built");
    }
    if (running.size && performance.now() - lastPrinted >= HEARTBEAT_MS) {
      const names = [...running.keys()].filter((k) => k.endsWith(":build"));
      print(`  … ${elapsed()} elapsed; building ${names.join(", ") || "(generating)"}`);
    }
  }, POLL_MS);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearInterval(timer);
      for (const key of [...running.keys()]) if (key.endsWith(":build") && code === 0) finish(key, "built");
      resolve(code ?? 1);
    });
  });
}
