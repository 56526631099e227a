/**
 * Runs one emitted block module in its own Node process, in its own working directory, with a
 * deadline, and rewrites the positions in its output from the generated file to README lines.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import type { SourceLine } from "./block-module.js";

export interface RunResult {
  /** Exit code, or undefined when the deadline killed it. */
  code: number | null | undefined;
  output: string;
  durationMs: number;
}

const MAX_OUTPUT_CHARS = 20_000;

export function runModule(
  js: string,
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<RunResult> {
  mkdirSync(options.cwd, { recursive: true });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--enable-source-maps", js], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT_CHARS) output += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? undefined : code, output, durationMs: performance.now() - started });
    });
  });
}

/** Replaces `<file>:<line>` positions of the generated TypeScript file with their README line. */
export function toReadmePositions(text: string, file: string, origins: readonly (SourceLine | undefined)[]): string {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`(?:file://)?${escaped}:(\\d+)`, "g"), (whole, line: string) => {
    const origin = origins[Number(line) - 1];
    return origin ? `${origin.readme}:${origin.line}` : whole;
  });
}
