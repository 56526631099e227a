/**
 * A value inside a loaded document set, with the file and path it was found at, so that following a
 * `$ref` keeps track of where the target lives (for its own relative refs and for error positions).
 */
import { CodegenError, fieldPath } from "../errors.js";
import { refFragmentSegments } from "../json-pointer.js";
import type { LoadedDocuments } from "../spec/load.js";

export interface Located {
  value: unknown;
  /** Absolute path of the document holding it. */
  file: string;
  segments: (string | number)[];
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Follows `$ref`s (already checked to resolve by the loader) to the value they point at. */
export function follow(docs: LoadedDocuments, node: Located): Located {
  let current = node;
  for (let depth = 0; depth < 32; depth++) {
    const ref = isMapping(current.value) ? current.value.$ref : undefined;
    if (typeof ref !== "string") return current;
    const file = docs.fileOf(ref, current.file);
    current = {
      value: docs.resolveRef(ref, current.file),
      file,
      segments: refFragmentSegments(ref.split("#", 2)[1] ?? ""),
    };
  }
  return current;
}

/** The value at `segments` below `node` (not following refs). */
export function child(node: Located, ...segments: (string | number)[]): Located {
  let value = node.value;
  for (const segment of segments)
    value = isMapping(value) || Array.isArray(value) ? (value as never)[segment] : undefined;
  return { value, file: node.file, segments: [...node.segments, ...segments] };
}

export function errorAt(docs: LoadedDocuments, node: Located, detail: string, target?: "key" | "value"): CodegenError {
  const doc = docs.documents.get(node.file) ?? docs.root;
  return new CodegenError(
    { file: doc.displayPath, field: fieldPath(node.segments) || "(root)", ...doc.locate(node.segments, target) },
    detail,
  );
}
