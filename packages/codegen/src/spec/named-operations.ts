/**
 * What the `ops` facade needs of each operation with an operationId: where it sits in the runtime
 * operation table, its docs (summary, description, deprecated) and its parameters by location, to
 * decide whether they can be merged into one flat argument object.
 */
import type { OperationEntry } from "@brokerkit/middleware";
import { deref } from "./deref.js";
import type { LoadedSpec } from "./load.js";

export interface NamedOperation {
  id: string;
  /** Index into the API's runtime operation list (`config.operations`). */
  index: number;
  method: string;
  template: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  /**
   * `flat`: path, query and header names are distinct and none is `body`, so they merge into one object;
   * `nested`: openapi-fetch's `{ params, body }`.
   */
  shape: "flat" | "nested";
  /** Header parameter names (flat shape: the keys that go to headers). */
  headers: string[];
}

export interface NamedOperations {
  operations: NamedOperation[];
  /** Operations left out of the facade, each with a reason. */
  skipped: string[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export function namedOperations(spec: LoadedSpec, entries: readonly OperationEntry[]): NamedOperations {
  const root = spec.root.value as { paths?: Record<string, unknown> };
  const indexOf = new Map(entries.map((entry, index) => [`${entry[0]} ${entry[1]}`, index]));
  const operations: NamedOperation[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const [path, rawItem] of Object.entries(root.paths ?? {})) {
    const [item, itemFile] = deref(spec, rawItem, spec.file);
    if (!item) continue;
    for (const method of METHODS) {
      const [operation, operationFile] = deref(spec, item[method], itemFile);
      if (!operation || typeof operation.operationId !== "string") continue;
      const id = operation.operationId;
      const call = `${method.toUpperCase()} ${path}`;
      const index = indexOf.get(call);
      if (index === undefined) continue; // not callable (see the operation table's skipped list)
      if (seen.has(id)) {
        skipped.push(`${call}: operationId ${JSON.stringify(id)} is used twice; only the first is in ops`);
        continue;
      }
      seen.add(id);
      const locations = parameterLocations(spec, [
        [item.parameters, itemFile],
        [operation.parameters, operationFile],
      ]);
      const names = [...locations.keys()];
      const clash = names.some((name) => name === "body" || (locations.get(name)?.size ?? 0) > 1);
      const cookies = names.some((name) => locations.get(name)?.has("cookie"));
      operations.push({
        id,
        index,
        method: method.toUpperCase(),
        template: path,
        ...(typeof operation.summary === "string" ? { summary: operation.summary } : {}),
        ...(typeof operation.description === "string" ? { description: operation.description } : {}),
        deprecated: operation.deprecated === true,
        shape: clash || cookies ? "nested" : "flat",
        headers: names.filter((name) => locations.get(name)?.has("header")).sort(),
      });
    }
  }
  operations.sort((a, b) => a.id.localeCompare(b.id));
  return { operations, skipped };
}

/** Parameter name → the locations (`path`, `query`, `header`, `cookie`) it appears in. */
function parameterLocations(spec: LoadedSpec, lists: [unknown, string][]): Map<string, Set<string>> {
  const byName = new Map<string, Map<string, true>>();
  // An operation-level parameter replaces a path-level one of the same name and location.
  for (const [list, file] of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const [param] = deref(spec, raw, file);
      if (typeof param?.name !== "string" || typeof param.in !== "string") continue;
      const at = byName.get(param.name) ?? new Map<string, true>();
      at.set(param.in, true);
      byName.set(param.name, at);
    }
  }
  return new Map([...byName].map(([name, at]) => [name, new Set(at.keys())]));
}
