/**
 * Errors raised inside openapi-typescript carry at best a JSON pointer (`… at #/paths/~1a/get`, or
 * `#/components/schemas/A: invalid property 0 …`), and a crash in its transform (an `enum` that is not a
 * list) carries none. This maps each to the file, line:column and schema path of the node at fault.
 */
import { CodegenError, fieldPath } from "../errors.js";
import { pointerSegments } from "../json-pointer.js";
import type { SourceDocument } from "../source.js";

type Located = Pick<SourceDocument, "displayPath" | "locate">;

export interface OpenapiTsFailure {
  error: unknown;
  /** The spec's root document and every document it references. */
  root: Located;
  documents: Iterable<Located>;
  /** The schema openapi-typescript was converting last (from its `transform` hook), e.g. `#/components/schemas/A`. */
  lastSchemaPath: string | undefined;
}

export function openapiTsError({ error, root, documents, lastSchemaPath }: OpenapiTsFailure): CodegenError {
  const raw = error instanceof Error ? error.message : String(error);
  const trailing = / at (#\/\S*)$/.exec(raw);
  const leading = /^(#\/\S*?): (.*)$/s.exec(raw);
  const pointer = trailing?.[1] ?? leading?.[1] ?? lastSchemaPath;
  const message = trailing ? raw.slice(0, trailing.index) : leading ? (leading[2] as string) : raw;
  // A crash (TypeError …) says nothing about the spec: name the schema being converted instead.
  const detail =
    error instanceof Error && error.name !== "Error"
      ? `cannot convert this schema (${error.name}: ${message})`
      : message;
  if (pointer === undefined) {
    return new CodegenError({ file: root.displayPath }, `openapi-typescript could not convert the spec: ${detail}`);
  }
  const segments = pointerSegments(pointer.replace(/^#/, "")).map((s) => decodeURIComponent(s));
  // The pointer is into the document openapi-typescript bundled: the root file, or the file a ref
  // reached. When no document has that node, the nearest enclosing one that exists is named.
  const docs = [root, ...documents];
  // A schema from another file is bundled as #/components/schemas/<Name>: look for <Name> at the top of
  // the other files (a schemas file) or in their own components.
  const [first, second, name, ...rest] = segments;
  if (first === "components" && second === "schemas" && name !== undefined && !root.locate(segments)) {
    for (const candidate of [segments, [name, ...rest]]) {
      const doc = docs.find((d) => d !== root && d.locate(candidate) !== undefined);
      if (doc)
        return new CodegenError(
          { file: doc.displayPath, field: fieldPath(candidate), ...doc.locate(candidate) },
          `openapi-typescript: ${detail} (schema path ${pointer})`,
        );
    }
  }
  for (let length = segments.length; length >= 0; length--) {
    const prefix = segments.slice(0, length);
    const doc = docs.find((d) => d.locate(prefix) !== undefined);
    if (!doc && length > 0) continue;
    const found = doc ?? root;
    return new CodegenError(
      { file: found.displayPath, field: fieldPath(prefix) || "(root)", ...found.locate(prefix) },
      `openapi-typescript: ${detail} (schema path ${pointer})`,
    );
  }
  return new CodegenError({ file: root.displayPath }, `openapi-typescript: ${detail} (schema path ${pointer})`);
}
