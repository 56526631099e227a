/** The parameters each operation of a spec declares (path-level and operation-level), `$ref`s followed. */
import { deref } from "./deref.js";
import type { LoadedSpec } from "./load.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;

export interface DeclaredParameter {
  name: string;
  in: string;
}

/** `METHOD /path/template` → its parameters. */
export function operationParameters(spec: LoadedSpec): Map<string, DeclaredParameter[]> {
  const root = spec.root.value as { paths?: Record<string, unknown> };
  const byOperation = new Map<string, DeclaredParameter[]>();
  for (const [path, rawItem] of Object.entries(root.paths ?? {})) {
    const [item, itemFile] = deref(spec, rawItem, spec.file);
    if (!item) continue;
    for (const method of METHODS) {
      const [operation, operationFile] = deref(spec, item[method], itemFile);
      if (!operation) continue;
      const parameters: DeclaredParameter[] = [];
      for (const [list, file] of [
        [item.parameters, itemFile],
        [operation.parameters, operationFile],
      ] as const) {
        if (!Array.isArray(list)) continue;
        for (const raw of list) {
          const [param] = deref(spec, raw, file);
          if (param && typeof param.name === "string" && typeof param.in === "string")
            parameters.push({ name: param.name, in: param.in });
        }
      }
      byOperation.set(`${method.toUpperCase()} ${path}`, parameters);
    }
  }
  return byOperation;
}
