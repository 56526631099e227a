/**
 * A spec as plain data: its documents keyed by path relative to the root document's folder, so the
 * spec being generated and the snapshot of the previous one can be compared without the file system.
 */
import { dirname, posix, relative } from "node:path";
import { refFragmentSegments } from "../json-pointer.js";
import type { LoadedSpec } from "../spec/load.js";

export interface SpecDocuments {
  /** Key of the root document in `documents`, e.g. `trading.yaml`. */
  root: string;
  documents: Record<string, unknown>;
}

/** A value found by following a `$ref`, with the document later refs in it are relative to. */
export interface Located {
  value: unknown;
  doc: string;
  /** `doc#pointer` of the ref target; undefined for values that were not reached through a ref. */
  id?: string;
}

export function documentsOf(spec: LoadedSpec): SpecDocuments {
  const base = dirname(spec.file);
  const key = (file: string) => relative(base, file).split("\\").join("/");
  const documents: Record<string, unknown> = {};
  for (const file of [...spec.documents.keys()].sort()) documents[key(file)] = spec.documents.get(file)?.value;
  return { root: key(spec.file), documents };
}

export function refOf(value: unknown): string | undefined {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === "string") return ref;
  }
  return undefined;
}

/** Resolves one `$ref` written in document `fromDoc`. */
export function resolveRef(spec: SpecDocuments, ref: string, fromDoc: string): Located {
  const [file = "", pointer = ""] = ref.split("#", 2);
  const doc = file ? posix.normalize(posix.join(posix.dirname(fromDoc), decodeURI(file))) : fromDoc;
  let node: unknown = spec.documents[doc];
  for (const segment of refFragmentSegments(pointer)) {
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return { value: node, doc, id: `${doc}#${pointer}` };
}

/** Follows `$ref`s (a bounded number of hops) to the value they name. */
export function deref(spec: SpecDocuments, value: unknown, doc: string): Located {
  let current: Located = { value, doc };
  for (let hop = 0; hop < 32; hop++) {
    const ref = refOf(current.value);
    if (ref === undefined) return current;
    current = resolveRef(spec, ref, current.doc);
  }
  return current;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key in b && deepEqual(a[key], b[key]));
}
