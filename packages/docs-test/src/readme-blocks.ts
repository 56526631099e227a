/**
 * Finds the fenced TypeScript blocks of the repository's READMEs (the root README.md and
 * packages/<name>/README.md) and reference pages (docs/*.md) and reads the marker on the line before each fence:
 *
 *   <!-- fragment: why it cannot run -->   not type-checked, not run (the reason is required)
 *   <!-- setup -->                         run, and also run before every later block of that README
 *   (no marker)                            type-checked and run after the README's setup blocks
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type BlockKind = "run" | "setup" | "fragment";

export interface ReadmeBlock {
  /** README path relative to the repository root, with forward slashes. */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The code, with the fence's own indentation removed; its first line is `line + 1` of the README. */
  code: string;
  kind: BlockKind;
  /** Why a fragment cannot run. */
  reason?: string;
}

/** A marker that does not follow the convention, reported with its position. */
export class MarkerError extends Error {}

const TYPESCRIPT_LANGUAGES = new Set(["ts", "typescript"]);
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^\s*<!--\s*(fragment|setup)\b\s*(?::\s*(.*?))?\s*-->\s*$/;

/**
 * The documents whose blocks must run: the root README, then each package's, then the repository's
 * docs/*.md (reference pages kept out of the published packages), each in name order.
 */
export function readmeFiles(root: string): string[] {
  const packages = readdirSync(join(root, "packages"))
    .sort()
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(root, path)));
  const docs = existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs"))
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return ["README.md", ...packages, ...docs];
}

export function readmeBlocks(root: string, readme: string): ReadmeBlock[] {
  const lines = readFileSync(join(root, readme), "utf8").split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? "");
    if (!open) continue;
    const [, indent = "", fence = "", language = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] ?? "";
      if (isClosingFence(text, fence)) break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    if (TYPESCRIPT_LANGUAGES.has(language.toLowerCase())) {
      blocks.push({ readme, line: i + 1, code: body.join("\n"), ...markerBefore(lines, i, readme) });
    }
    i = j;
  }
  return blocks;
}

function isClosingFence(text: string, fence: string): boolean {
  const trimmed = text.trim();
  return trimmed.length >= fence.length && trimmed === (fence[0] ?? "").repeat(trimmed.length);
}

function markerBefore(lines: string[], fenceIndex: number, readme: string): Pick<ReadmeBlock, "kind" | "reason"> {
  let k = fenceIndex - 1;
  while (k >= 0 && (lines[k] ?? "").trim() === "") k--;
  const text = lines[k] ?? "";
  const match = MARKER.exec(text);
  if (!match) {
    if (/<!--\s*(fragment|setup)/i.test(text)) {
      throw new MarkerError(
        `${readme}:${k + 1}: malformed marker ${JSON.stringify(text.trim())}: expected <!-- fragment: reason --> or <!-- setup -->`,
      );
    }
    return { kind: "run" };
  }
  const [, kind, reason] = match;
  if (kind === "setup") {
    if (reason) throw new MarkerError(`${readme}:${k + 1}: <!-- setup --> takes no reason`);
    return { kind: "setup" };
  }
  if (!reason) throw new MarkerError(`${readme}:${k + 1}: a fragment marker must say why: <!-- fragment: reason -->`);
  return { kind: "fragment", reason };
}
