/** publint and Are the Types Wrong (attw) on a packed tarball, so they judge what would be published. */
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import type { Problem } from "./checks.js";

export interface LintResult {
  problems: Problem[];
  /** publint suggestions: printed, not failing. */
  notes: string[];
}

export async function runPublint(tarball: string): Promise<LintResult> {
  const data = await readFile(tarball);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, level: "suggestion" });
  const text = (m: (typeof messages)[number]) => formatMessage(m, pkg, { color: false }) ?? m.code;
  return {
    problems: messages.filter((m) => m.type !== "suggestion").map((m) => ({ check: "publint", message: text(m) })),
    notes: messages.filter((m) => m.type === "suggestion").map(text),
  };
}

interface AttwOutput {
  analysis?: { problems?: { kind: string; entrypoint?: string; resolutionKind?: string }[] };
}

/**
 * Strict: every resolution mode (node10, node16 from CJS and from ESM, bundler) must resolve every
 * entry to types of the format Node loads. The packages are dual builds (scripts/dual-build.mjs).
 */
export function runAttw(tarball: string): LintResult {
  const require = createRequire(import.meta.url);
  // The CLI's exports expose only package.json; its bin is dist/index.js.
  const cli = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist/index.js");
  const result = spawnSync(process.execPath, [cli, tarball, "--format", "json", "--profile", "strict"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status === 0) return { problems: [], notes: [] };
  let parsed: AttwOutput | undefined;
  try {
    parsed = JSON.parse(result.stdout) as AttwOutput;
  } catch {
    return {
      problems: [{ check: "attw", message: `attw failed: ${(result.stderr || result.stdout).trim().slice(0, 500)}` }],
      notes: [],
    };
  }
  const problems = (parsed.analysis?.problems ?? []).map((p) => ({
    check: "attw",
    message: `${p.kind}${p.entrypoint ? ` at "${p.entrypoint}"` : ""}${p.resolutionKind ? ` (${p.resolutionKind})` : ""}`,
  }));
  return {
    problems: problems.length ? problems : [{ check: "attw", message: `attw exited ${result.status}` }],
    notes: [],
  };
}
