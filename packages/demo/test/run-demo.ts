/** Runs one built demo (dist/<name>.js) as a user would, collecting its output, until it exits or hangs. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const EXIT_WAIT_MS = 60_000;

/** The demo's exit code ("hung" after a minute, when it is killed) and everything it printed. */
export async function runDemo(name: string): Promise<{ code: number | string | null; output: string }> {
  const demo = fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url));
  const child = spawn(process.execPath, [demo], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | string | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve("hung");
    }, EXIT_WAIT_MS);
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, output };
}
