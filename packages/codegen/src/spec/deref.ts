/** Following `$ref`s through a loaded spec, the files they point into included. */
import type { LoadedSpec } from "./load.js";

/** Follows `$ref`s (at most 16); returns the object reached and its file (later refs are relative to it). */
export function deref(
  spec: LoadedSpec,
  value: unknown,
  fromFile: string,
): [Record<string, unknown> | undefined, string] {
  let node = value;
  let file = fromFile;
  for (let depth = 0; depth < 16 && node && typeof node === "object" && "$ref" in node; depth++) {
    const ref = String((node as { $ref: unknown }).$ref);
    node = spec.resolveRef(ref, file);
    file = spec.fileOf(ref, file);
  }
  return [node && typeof node === "object" ? (node as Record<string, unknown>) : undefined, file];
}
