/**
 * Which named schemas (ref targets) each direction reaches: a new required field breaks callers
 * only in what they send, a field that may now be missing only in what they receive.
 */
import { deref, isObject, type Located, refOf, resolveRef, type SpecDocuments } from "./documents.js";
import { operationsOf } from "./operations.js";
import type { Direction } from "./types.js";

/** Keywords whose values are sub-schemas (a map of them, a list of them, or one). */
export const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions"] as const;
export const SCHEMA_LISTS = ["allOf", "oneOf", "anyOf", "prefixItems"] as const;
export const SCHEMA_SINGLES = ["items", "additionalProperties", "not", "contains", "if", "then", "else"] as const;

export type Usage = Map<string, Set<Direction>>;

export function schemaUsage(spec: SpecDocuments, usage: Usage = new Map()): Usage {
  const mark = (located: Located, direction: Direction) => walkSchema(spec, located, direction, usage);
  for (const operation of operationsOf(spec).values()) {
    for (const parameter of operation.parameters.values()) {
      mark({ value: (parameter.value as Record<string, unknown>).schema, doc: parameter.doc }, "request");
    }
    const body = operation.requestBody;
    if (body) for (const media of mediaSchemas(body)) mark(media, "request");
    for (const response of operation.responses.values()) {
      for (const media of mediaSchemas(response)) mark(media, "response");
      const headers = (response.value as { headers?: unknown }).headers;
      if (isObject(headers)) {
        for (const header of Object.values(headers)) {
          const h = deref(spec, header, response.doc);
          if (isObject(h.value)) mark({ value: h.value.schema, doc: h.doc }, "response");
        }
      }
    }
  }
  return usage;
}

/** The schema of each media type of a request body or response. */
export function mediaSchemas(owner: Located): Located[] {
  const content = (owner.value as { content?: unknown }).content;
  if (!isObject(content)) return [];
  return Object.values(content)
    .filter(isObject)
    .map((media) => ({ value: media.schema, doc: owner.doc }));
}

function walkSchema(spec: SpecDocuments, start: Located, direction: Direction, usage: Usage): void {
  const pending: Located[] = [start];
  for (let steps = 0; pending.length && steps < 100_000; steps++) {
    const { value, doc } = pending.pop() as Located;
    const ref = refOf(value);
    if (ref !== undefined) {
      const target = resolveRef(spec, ref, doc);
      const id = target.id as string;
      const seen = usage.get(id) ?? new Set<Direction>();
      if (seen.has(direction)) continue;
      seen.add(direction);
      usage.set(id, seen);
      pending.push({ value: target.value, doc: target.doc });
      continue;
    }
    if (!isObject(value)) continue;
    for (const key of SCHEMA_MAPS) {
      const map = value[key];
      if (isObject(map)) for (const child of Object.values(map)) pending.push({ value: child, doc });
    }
    for (const key of SCHEMA_LISTS) {
      const list = value[key];
      if (Array.isArray(list)) for (const child of list) pending.push({ value: child, doc });
    }
    for (const key of SCHEMA_SINGLES) if (key in value) pending.push({ value: value[key], doc });
  }
}
