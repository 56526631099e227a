/**
 * Classifies the difference between two versions of a spec as semver changes to the package generated
 * from it. Additive changes (new operation, optional field, enum value) are minor; anything that can
 * break code written against the previous types is major (removed or renamed operation, removed field,
 * new required parameter, narrowed type, removed enum value); documentation and examples are a patch.
 *
 * Written for this project because openapi-diff 0.24.1 rejects OpenAPI 3.1, resolves relative
 * multi-file $refs against the working directory, and does not report newly required parameters.
 */
import { deepEqual, isObject, type Located, type SpecDocuments } from "./documents.js";
import { type OperationView, operationsOf } from "./operations.js";
import { diffSchema, type SchemaDiffContext } from "./schema-diff.js";
import { type Bump, compareBumps, type Direction, type SpecChange } from "./types.js";
import { mediaSchemas, schemaUsage } from "./usage.js";

/** Keys that only document: a change limited to them is a patch. */
const DOC_KEYS = new Set(["description", "summary", "title", "example", "examples", "externalDocs", "tags", "info"]);

export function classifySpecChange(before: SpecDocuments, after: SpecDocuments): SpecChange[] {
  const out: SpecChange[] = [];
  const usage = schemaUsage(after, schemaUsage(before));
  const pending: string[] = [];
  const queued = new Set<string>();
  const ctx: SchemaDiffContext = {
    before,
    after,
    out,
    named(id) {
      if (!queued.has(id)) {
        queued.add(id);
        pending.push(id);
      }
    },
    nameOf: (id) => nameOf(after, id),
  };

  const beforeOps = operationsOf(before);
  const afterOps = operationsOf(after);
  const renamedTo = new Map<string, string>();
  for (const [key, op] of beforeOps) {
    if (afterOps.has(key) || !op.operationId) continue;
    for (const [otherKey, other] of afterOps) {
      if (!beforeOps.has(otherKey) && other.operationId === op.operationId) renamedTo.set(key, otherKey);
    }
  }
  const renamedFrom = new Set(renamedTo.values());
  for (const [key, op] of beforeOps) {
    const moved = renamedTo.get(key);
    if (moved) out.push({ bump: "major", message: `Moved operation ${op.operationId}: \`${key}\` → \`${moved}\`` });
    else if (!afterOps.has(key)) out.push({ bump: "major", message: `Removed operation \`${key}\`${idOf(op)}` });
  }
  for (const [key, op] of afterOps) {
    if (!beforeOps.has(key) && !renamedFrom.has(key))
      out.push({ bump: "minor", message: `Added operation \`${key}\`${idOf(op)}` });
  }
  for (const [key, b] of afterOps) {
    const a = beforeOps.get(key);
    if (a) diffOperation(ctx, key, a, b);
  }

  // Component schemas are exported as types by name, so added and removed names count even when unused.
  const namesBefore = componentSchemas(before);
  const namesAfter = componentSchemas(after);
  for (const name of namesAfter.keys()) {
    if (!namesBefore.has(name)) out.push({ bump: "minor", message: `Added schema \`${name}\`` });
  }
  for (const [name, id] of namesBefore) {
    if (!namesAfter.has(name)) out.push({ bump: "major", message: `Removed schema \`${name}\`` });
    else ctx.named(id);
  }
  for (let i = 0; i < pending.length && i < 100_000; i++) {
    const id = pending[i] as string;
    const a = locate(before, id);
    const b = locate(after, id);
    if (a.value === undefined || b.value === undefined) continue;
    diffSchema(ctx, a, b, usage.get(id) ?? new Set(), nameOf(after, id));
  }

  if (!deepEqual(before.documents, after.documents)) {
    const docs = countDocChanges(before.documents, after.documents);
    if (docs)
      out.push({
        bump: "patch",
        message: `Documentation and examples updated (${docs} place${docs === 1 ? "" : "s"})`,
      });
    else if (!out.length) out.push({ bump: "patch", message: "Non-structural spec details changed" });
  }
  return dedupe(out);
}

function diffOperation(ctx: SchemaDiffContext, key: string, a: OperationView, b: OperationView): void {
  const out = ctx.out;
  const op = `\`${key}\``;
  if (a.operationId && b.operationId && a.operationId !== b.operationId) {
    out.push({ bump: "major", message: `Renamed operation ${op}: ${a.operationId} → ${b.operationId}` });
  }
  if (a.operation.deprecated !== true && b.operation.deprecated === true)
    out.push({ bump: "minor", message: `Deprecated operation ${op}` });
  if (a.operation.deprecated === true && b.operation.deprecated !== true)
    out.push({ bump: "minor", message: `Operation ${op} is no longer deprecated` });
  if (!deepEqual(a.servers, b.servers)) out.push({ bump: "minor", message: `Servers of ${op} changed` });
  if (!deepEqual(a.security, b.security)) out.push({ bump: "minor", message: `Security of ${op} changed` });

  const request = new Set<Direction>(["request"]);
  const response = new Set<Direction>(["response"]);
  for (const [id, pb] of b.parameters) {
    const [where, name] = splitParam(id);
    const label = `${op} ${where} parameter \`${name}\``;
    const pa = a.parameters.get(id);
    const required = (pb.value as { required?: unknown }).required === true;
    if (!pa) {
      out.push({ bump: required ? "major" : "minor", message: `Added ${required ? "required" : "optional"} ${label}` });
      continue;
    }
    const wasRequired = (pa.value as { required?: unknown }).required === true;
    if (!wasRequired && required) out.push({ bump: "major", message: `${label} is now required` });
    if (wasRequired && !required) out.push({ bump: "minor", message: `${label} is now optional` });
    diffSchema(ctx, schemaOf(pa), schemaOf(pb), request, label);
  }
  for (const id of a.parameters.keys()) {
    if (!b.parameters.has(id)) {
      const [where, name] = splitParam(id);
      out.push({ bump: "major", message: `Removed ${op} ${where} parameter \`${name}\`` });
    }
  }

  const bodyLabel = `${op} request body`;
  if (!a.requestBody && b.requestBody) {
    const required = (b.requestBody.value as { required?: unknown }).required === true;
    out.push({
      bump: required ? "major" : "minor",
      message: `Added ${required ? "required" : "optional"} ${bodyLabel}`,
    });
  } else if (a.requestBody && !b.requestBody) {
    out.push({ bump: "major", message: `Removed ${bodyLabel}` });
  } else if (a.requestBody && b.requestBody) {
    const was = (a.requestBody.value as { required?: unknown }).required === true;
    const now = (b.requestBody.value as { required?: unknown }).required === true;
    if (!was && now) out.push({ bump: "major", message: `${bodyLabel} is now required` });
    if (was && !now) out.push({ bump: "minor", message: `${bodyLabel} is now optional` });
    diffContent(ctx, a.requestBody, b.requestBody, request, bodyLabel);
  }

  for (const [status, rb] of b.responses) {
    const ra = a.responses.get(status);
    const label = `${op} response ${status}`;
    if (!ra) out.push({ bump: "minor", message: `Added ${label}` });
    else diffContent(ctx, ra, rb, response, label);
  }
  for (const status of a.responses.keys()) {
    if (!b.responses.has(status)) out.push({ bump: "major", message: `Removed ${op} response ${status}` });
  }
}

function diffContent(
  ctx: SchemaDiffContext,
  a: Located,
  b: Located,
  directions: ReadonlySet<Direction>,
  label: string,
): void {
  const types = (l: Located) => {
    const content = (l.value as { content?: unknown }).content;
    return isObject(content) ? Object.keys(content) : [];
  };
  const ta = types(a);
  const tb = types(b);
  const sa = mediaSchemas(a);
  const sb = mediaSchemas(b);
  for (const [i, type] of tb.entries()) {
    const j = ta.indexOf(type);
    if (j === -1) ctx.out.push({ bump: "minor", message: `${label}: added media type ${type}` });
    else diffSchema(ctx, sa[j] as Located, sb[i] as Located, directions, `${label} (${type})`);
  }
  for (const type of ta) {
    if (!tb.includes(type)) ctx.out.push({ bump: "major", message: `${label}: removed media type ${type}` });
  }
}

function componentSchemas(spec: SpecDocuments): Map<string, string> {
  const schemas = (spec.documents[spec.root] as { components?: { schemas?: unknown } } | undefined)?.components
    ?.schemas;
  const out = new Map<string, string>();
  if (isObject(schemas)) {
    for (const name of Object.keys(schemas)) out.set(name, `${spec.root}#/components/schemas/${escapePointer(name)}`);
  }
  return out;
}

function locate(spec: SpecDocuments, id: string): Located {
  const [doc = "", pointer = ""] = id.split("#", 2);
  let node: unknown = spec.documents[doc];
  for (const segment of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isObject(node) ? node[key] : undefined;
  }
  return { value: node, doc, id };
}

function nameOf(spec: SpecDocuments, id: string): string {
  const prefix = `${spec.root}#/components/schemas/`;
  if (id.startsWith(prefix)) return `schema \`${id.slice(prefix.length).replace(/~1/g, "/").replace(/~0/g, "~")}\``;
  return `schema \`${id}\``;
}

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function schemaOf(parameter: Located): Located {
  return { value: (parameter.value as { schema?: unknown }).schema, doc: parameter.doc };
}

function splitParam(id: string): [string, string] {
  const index = id.indexOf(":");
  return [id.slice(0, index), id.slice(index + 1)];
}

function idOf(op: OperationView): string {
  return op.operationId ? ` (${op.operationId})` : "";
}

/** Counts places where only documentation keys differ (a description, an example). */
function countDocChanges(a: unknown, b: unknown, depth = 0): number {
  if (depth > 64 || deepEqual(a, b)) return 0;
  if (!isObject(a) || !isObject(b)) return 0;
  let count = 0;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (deepEqual(a[key], b[key])) continue;
    if (DOC_KEYS.has(key) || key.startsWith("x-")) count++;
    else count += countDocChanges(a[key], b[key], depth + 1);
  }
  return count;
}

function dedupe(changes: SpecChange[]): SpecChange[] {
  const seen = new Set<string>();
  const unique = changes.filter((c) => !seen.has(c.message) && seen.add(c.message));
  return unique.sort((x, y) => compareBumps(x.bump, y.bump) || x.message.localeCompare(y.message));
}

export type { Bump, SpecChange };
