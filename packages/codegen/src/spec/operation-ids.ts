/**
 * Duplicate operationIds, found before openapi-typescript sees the spec: it prints its own line and
 * then throws a second message naming one JSON pointer and no position. Here each duplicate is one
 * error, at its second occurrence, naming file:line:column of both.
 */
import { CodegenError, fieldPath, formatLocation, type SourceLocation } from "../errors.js";
import { refFragmentSegments } from "../json-pointer.js";
import type { SourceDocument } from "../source.js";
import type { LoadedSpec } from "./load.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function duplicateOperationIds(spec: LoadedSpec): CodegenError[] {
  const first = new Map<string, { doc: SourceDocument; segments: (string | number)[] }>();
  const errors: CodegenError[] = [];
  const paths = (spec.root.value as { paths?: Record<string, unknown> }).paths ?? {};
  for (const [path, rawItem] of Object.entries(paths)) {
    // A path item may live in another file; its operations are located there.
    const [item, doc, base] = follow(spec, rawItem, spec.root, ["paths", path]);
    if (!item || typeof item !== "object") continue;
    for (const method of METHODS) {
      const [operation, opDoc, opBase] = follow(spec, (item as Record<string, unknown>)[method], doc, [
        ...base,
        method,
      ]);
      const id = (operation as { operationId?: unknown } | undefined)?.operationId;
      if (typeof id !== "string") continue;
      const segments = [...opBase, "operationId"];
      const earlier = first.get(id);
      // Located only for an error: locating in a JSON spec parses it again as YAML.
      if (!earlier) {
        first.set(id, { doc: opDoc, segments });
        continue;
      }
      errors.push(
        new CodegenError(
          locationOf(opDoc, segments),
          `duplicate operationId "${id}": also used at ${formatLocation(locationOf(earlier.doc, earlier.segments)).replace(/: $/, "")} (operationIds must be unique)`,
        ),
      );
    }
  }
  return errors;
}

function locationOf(doc: SourceDocument, segments: (string | number)[]): SourceLocation {
  return { file: doc.displayPath, field: fieldPath(segments), ...doc.locate(segments) };
}

/** Follows a `$ref` (one level per step, as path items and operations use them) to the node and where it is. */
function follow(
  spec: LoadedSpec,
  value: unknown,
  doc: SourceDocument,
  segments: (string | number)[],
): [unknown, SourceDocument, (string | number)[]] {
  let node = value;
  let current = doc;
  let at = segments;
  for (let depth = 0; depth < 16 && node && typeof node === "object" && "$ref" in node; depth++) {
    const ref = String((node as { $ref: unknown }).$ref);
    const from = current.file;
    node = spec.resolveRef(ref, from);
    current = spec.documents.get(spec.fileOf(ref, from)) ?? current;
    at = refFragmentSegments(ref.split("#", 2)[1] ?? "");
  }
  return [node, current, at];
}
