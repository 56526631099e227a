/**
 * Runs the real Prism mock server (@stoplight/prism-cli) on a spec, on 127.0.0.1 with an
 * OS-chosen port. Prism validates every request against the spec: a violation answers 400/422
 * and is listed in the `sl-violations` header, which `violations` collects for tests to assert on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";

export interface PrismViolation {
  method: string;
  url: string;
  status: number;
  violations: unknown;
}

export interface RunningPrism {
  url: string;
  /** A fetch that records every answer Prism flags as a request violation. */
  fetch: typeof fetch;
  violations: PrismViolation[];
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startPrism(specFile: string, options: { startupTimeoutMs?: number } = {}): Promise<RunningPrism> {
  const cli = require.resolve("@stoplight/prism-cli/dist/index.js");
  const child = spawn(process.execPath, [cli, "mock", "-h", "127.0.0.1", "-p", "0", specFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const url = await waitForListening(child, specFile, options.startupTimeoutMs ?? 30_000);
  const violations: PrismViolation[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const header = response.headers.get("sl-violations");
    if (response.status === 400 || response.status === 422 || header) {
      const request = input instanceof Request ? input : new Request(input, init);
      const parsed: unknown = header ? JSON.parse(header) : await response.clone().text();
      const errors = Array.isArray(parsed)
        ? parsed.filter((v: { severity?: string }) => v.severity === "Error")
        : parsed;
      if (!Array.isArray(errors) || errors.length) {
        violations.push({ method: request.method, url: request.url, status: response.status, violations: errors });
      }
    }
    return response;
  };
  return {
    url,
    fetch: recordingFetch,
    violations,
    close: () => stop(child),
  };
}

function waitForListening(child: ChildProcess, specFile: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      void stop(child);
      reject(new Error(`Prism did not start on ${specFile} within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        // Prism logs every request; keep draining the pipes so it never blocks on a full buffer.
        child.stdout?.removeListener("data", onData);
        child.stderr?.removeListener("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (code ${code}) before listening on ${specFile}:\n${output.slice(-2000)}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
