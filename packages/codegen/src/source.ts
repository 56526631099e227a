/**
 * Parses YAML or JSON documents and keeps enough of the source to point at a line and column
 * for any field path, which is what makes manifest and spec errors actionable.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { CodegenError } from "./errors.js";

export interface SourceDocument {
  file: string;
  /** Path shown in messages (relative to the working directory when possible). */
  displayPath: string;
  text: string;
  value: unknown;
  /** Line and column (1-based) of the value (or key) at `segments`, when it exists. */
  locate(
    segments: readonly (string | number)[],
    target?: "key" | "value",
  ): { line: number; column: number } | undefined;
}

export async function readSource(file: string, displayPath: string): Promise<SourceDocument> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CodegenError({ file: displayPath }, code === "ENOENT" ? "file not found" : `cannot read file (${code})`);
  }
  return parseSource(text, file, displayPath);
}

export function parseSource(text: string, file: string, displayPath: string): SourceDocument {
  const isJson = /\.json$/i.test(file);
  if (isJson) {
    // JSON.parse is much faster on large specs; the YAML parser is only needed to locate errors.
    try {
      const value: unknown = JSON.parse(text);
      let yamlView: SourceDocument | undefined;
      return {
        file,
        displayPath,
        text,
        value,
        locate: (segments, target) => {
          yamlView ??= parseYaml(text, file, displayPath);
          return yamlView.locate(segments, target);
        },
      };
    } catch (error) {
      const match = /position (\d+)/.exec(String(error));
      const where = match ? offsetToLineColumn(text, Number(match[1])) : undefined;
      throw new CodegenError(
        { file: displayPath, ...where },
        `invalid JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, "")}`,
      );
    }
  }
  return parseYaml(text, file, displayPath);
}

function parseYaml(text: string, file: string, displayPath: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const where = lineCounter.linePos(firstError.pos[0]);
    throw new CodegenError(
      { file: displayPath, line: where.line, column: where.col },
      `invalid YAML: ${firstError.message.split("\n")[0]}`,
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 10_000 });
  return {
    file,
    displayPath,
    text,
    value,
    locate(segments, target = "value") {
      let node: unknown = doc.contents;
      let keyNode: unknown;
      for (const segment of segments) {
        if (isMap(node)) {
          const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
          if (!pair) return undefined;
          keyNode = pair.key;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === "number") {
          keyNode = undefined;
          node = node.items[segment];
        } else {
          return undefined;
        }
      }
      const chosen = (target === "key" && keyNode ? keyNode : (node ?? keyNode)) as Node | undefined;
      const offset = chosen?.range?.[0];
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, column: offset - lastBreak };
}
