/**
 * Extracts the runtime operation table from a spec: method, path template, and what the
 * runtime must know (deprecated, per-operation server, streaming response).
 */
import type { HttpMethod, OperationEntry, OperationFlags } from "@brokerkit/middleware";
import type { LoadedSpec } from "./load.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** TRACE entries in broker specs are documentation stand-ins (e.g. ALOR's WebSocket pages), never real calls. */
const CALLABLE = new Set(["get", "put", "post", "delete", "options", "head", "patch"]);

export interface ExtractedOperations {
  entries: OperationEntry[];
  /** Array query parameters declared `explode: false` (sent comma-separated). */
  commaSeparatedQuery: string[];
  /** Things skipped, each with a reason, for the generator's report. */
  skipped: string[];
}

export function extractOperations(
  spec: LoadedSpec,
  operationServers: Record<string, string> = {},
): ExtractedOperations {
  const root = spec.root.value as { paths: Record<string, unknown>; servers?: { url: string }[] };
  const entries: OperationEntry[] = [];
  const skipped: string[] = [];
  const commaSeparated = new Set<string>();
  for (const [rawPath, rawItem] of Object.entries(root.paths)) {
    const [item, itemFile] = deref(spec, rawItem, spec.file) as [Record<string, unknown> | undefined, string];
    if (!item || typeof item !== "object") continue;
    const path = rawPath.trim();
    for (const method of METHODS) {
      const [operation, operationFile] = deref(spec, item[method], itemFile) as [
        Record<string, unknown> | undefined,
        string,
      ];
      if (!operation) continue;
      if (!CALLABLE.has(method)) {
        skipped.push(`${method.toUpperCase()} ${JSON.stringify(rawPath)}: not a callable HTTP operation`);
        continue;
      }
      if (path !== rawPath) {
        skipped.push(`${method.toUpperCase()} ${JSON.stringify(rawPath)}: path has surrounding whitespace`);
        continue;
      }
      for (const name of commaSeparatedQueryParams(spec, [item.parameters, operation.parameters], operationFile)) {
        commaSeparated.add(name);
      }
      const flags: OperationFlags = {};
      if (operation.deprecated === true) flags.deprecated = true;
      const servers = (operation.servers ?? item.servers) as { url: string }[] | undefined;
      const serverUrl = servers?.[0]?.url?.replace(/\/$/, "");
      if (serverUrl) {
        const key = operationServers[serverUrl];
        if (key) flags.server = key;
        else if (/^https?:\/\//.test(serverUrl)) flags.serverUrl = serverUrl;
        else
          skipped.push(
            `${method.toUpperCase()} ${path}: per-operation server ${serverUrl} is not HTTP; left to the base URL`,
          );
      }
      if (isStreaming(spec, operation, operationFile)) flags.stream = true;
      const entry: OperationEntry = Object.keys(flags).length
        ? [method.toUpperCase() as HttpMethod, path, flags]
        : [method.toUpperCase() as HttpMethod, path];
      entries.push(entry);
    }
  }
  entries.sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1] < b[1] ? -1 : 1));
  return { entries, skipped, commaSeparatedQuery: [...commaSeparated].sort() };
}

/** Names of array query parameters with `explode: false`, from path-level and operation-level lists. */
function commaSeparatedQueryParams(spec: LoadedSpec, lists: unknown[], file: string): string[] {
  const names: string[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const [param, paramFile] = deref(spec, raw, file) as [Record<string, unknown> | undefined, string];
      if (param?.in !== "query" || param.explode !== false) continue;
      const [schema] = deref(spec, param.schema, paramFile) as [{ type?: unknown } | undefined, string];
      if (schema?.type === "array" || (Array.isArray(schema?.type) && schema.type.includes("array")))
        names.push(String(param.name));
    }
  }
  return names;
}

function isStreaming(spec: LoadedSpec, operation: Record<string, unknown>, file: string): boolean {
  const responses = (operation.responses ?? {}) as Record<string, unknown>;
  for (const [status, raw] of Object.entries(responses)) {
    if (!status.startsWith("2")) continue;
    const [response] = deref(spec, raw, file) as [{ content?: Record<string, unknown> } | undefined, string];
    if (response?.content && "text/event-stream" in response.content) return true;
  }
  return false;
}

/** Follows `$ref`s; returns the value and the file it was found in (later refs are relative to it). */
function deref(spec: LoadedSpec, value: unknown, fromFile: string): [unknown, string] {
  let node = value;
  let file = fromFile;
  for (let depth = 0; depth < 16 && node && typeof node === "object" && "$ref" in node; depth++) {
    const ref = String((node as { $ref: unknown }).$ref);
    const resolved = spec.resolveRef(ref, file);
    file = spec.fileOf(ref, file);
    node = resolved;
  }
  return [node, file];
}
