/**
 * A schema reduced to the facts drift compares (types, nullability, enum values, fields and which are
 * required, array items, map values, variants), with the spellings that mean the same thing made
 * equal: `$ref`s followed, `allOf` merged, OpenAPI 3.0 `nullable: true` and 3.1 `type: [x, "null"]`
 * (or a `{type: "null"}` variant) both become `nullable`, a lone `oneOf`/`anyOf` variant is the
 * schema itself, and variants that only name a primitive type become a type list.
 */
import { isObject, type Located, refOf, resolveRef, type SpecDocuments } from "../changes/documents.js";

export interface Shape {
  /** Declared (or implied) types, "null" excluded, sorted; empty when any value is allowed. */
  types: string[];
  nullable: boolean;
  /** Enum (or const) values as JSON text, null excluded. */
  enum?: Set<string>;
  properties: Map<string, Shape>;
  required: Set<string>;
  items?: Shape;
  /** additionalProperties: the type of a map's values. */
  additional?: Shape;
  /** oneOf/anyOf alternatives that remain after normalising. */
  variants: Shape[];
  /** Name of the `$ref` target it came from, for labels and variant matching. */
  name?: string;
  /** Children were not expanded: the schema contains itself here, or the depth bound was reached. */
  truncated?: boolean;
}

/** Nesting levels expanded below a body, parameter or response; deeper levels compare their own facts only. */
export const MAX_DEPTH = 12;
/** `$ref` chains longer than this are treated as broken (a ref to a ref to …). */
const MAX_HOPS = 32;

export function shapeOf(spec: SpecDocuments, located: Located): Shape {
  return build(spec, located, new Set(), 0);
}

function emptyShape(): Shape {
  return { types: [], nullable: false, properties: new Map(), required: new Set(), variants: [] };
}

function build(spec: SpecDocuments, located: Located, stack: Set<string>, depth: number): Shape {
  let { value, doc } = located;
  let name: string | undefined;
  // 3.0 authors often write `nullable: true` next to a `$ref`; the intent is clear, so honour it.
  let nullableSibling = false;
  const entered: string[] = [];
  try {
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const ref = refOf(value);
      if (ref === undefined) break;
      if (isObject(value) && value.nullable === true) nullableSibling = true;
      const target = resolveRef(spec, ref, doc);
      const id = target.id as string;
      name = id.slice(id.lastIndexOf("/") + 1) || name;
      if (stack.has(id)) return { ...ownFacts(target.value), truncated: true, ...(name ? { name } : {}) };
      stack.add(id);
      entered.push(id);
      value = target.value;
      doc = target.doc;
    }
    const shape = isObject(value) ? expand(spec, value, doc, stack, depth) : emptyShape();
    if (nullableSibling) shape.nullable = true;
    if (name) shape.name = name;
    return shape;
  } finally {
    for (const id of entered) stack.delete(id);
  }
}

/** The facts of a schema object itself, without looking into fields, items or variants. */
function ownFacts(raw: unknown): Shape {
  const shape = emptyShape();
  if (!isObject(raw)) return shape;
  const declared = raw.type === undefined ? [] : Array.isArray(raw.type) ? raw.type : [raw.type];
  const types = new Set<string>();
  for (const type of declared) {
    if (type === "null") shape.nullable = true;
    else types.add(String(type));
  }
  if (raw.nullable === true) shape.nullable = true;
  const values = Array.isArray(raw.enum) ? raw.enum : "const" in raw ? [raw.const] : undefined;
  if (values) {
    shape.enum = new Set();
    for (const v of values) {
      if (v === null) shape.nullable = true;
      else shape.enum.add(JSON.stringify(v));
    }
  }
  if (!types.size) {
    if (isObject(raw.properties) || isObject(raw.additionalProperties)) types.add("object");
    else if (raw.items !== undefined) types.add("array");
  }
  shape.types = [...types].sort();
  return shape;
}

function expand(
  spec: SpecDocuments,
  raw: Record<string, unknown>,
  doc: string,
  stack: Set<string>,
  depth: number,
): Shape {
  const shape = ownFacts(raw);
  if (depth >= MAX_DEPTH) {
    shape.truncated = true;
    return shape;
  }
  const child = (value: unknown) => build(spec, { value, doc }, stack, depth + 1);
  if (isObject(raw.properties)) {
    for (const [name, value] of Object.entries(raw.properties)) shape.properties.set(name, child(value));
  }
  if (Array.isArray(raw.required)) for (const name of raw.required) shape.required.add(String(name));
  if (isObject(raw.items)) shape.items = child(raw.items);
  // `additionalProperties: true` or `{}` says what leaving it out says: any extra field is allowed.
  if (isObject(raw.additionalProperties)) {
    const values = child(raw.additionalProperties);
    if (!unconstrained(values)) shape.additional = values;
  }

  if (Array.isArray(raw.allOf)) {
    const members = raw.allOf.map(child);
    const typed = members.filter((m) => m.types.length);
    // null passes an allOf only when every member that constrains the type lets it through.
    const nullable = shape.nullable || (typed.length > 0 && typed.every((m) => m.nullable));
    for (const member of members) merge(shape, member);
    shape.nullable = nullable;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    if (Array.isArray(raw[key])) addVariants(shape, raw[key].map(child));
  }
  if (!shape.types.length) {
    if (shape.properties.size || shape.additional) shape.types = ["object"];
    else if (shape.items) shape.types = ["array"];
    else if (shape.variants.length) shape.types = [...new Set(shape.variants.flatMap((v) => v.types))].sort();
  }
  return shape;
}

function unconstrained(shape: Shape): boolean {
  return (
    !shape.types.length &&
    !shape.nullable &&
    !shape.enum &&
    !shape.properties.size &&
    !shape.items &&
    !shape.additional &&
    !shape.variants.length
  );
}

function addVariants(shape: Shape, variants: Shape[]): void {
  const kept = variants.filter((v) => {
    const nullOnly = v.nullable && !v.types.length && !v.enum && !v.properties.size && !v.items && !v.variants.length;
    if (nullOnly) shape.nullable = true;
    return !nullOnly;
  });
  if (kept.length === 1) {
    const [only] = kept as [Shape];
    merge(shape, only);
    shape.nullable ||= only.nullable;
    return;
  }
  const primitive = (v: Shape) =>
    !v.enum && !v.properties.size && !v.items && !v.additional && !v.variants.length && !v.truncated;
  if (kept.length && kept.every(primitive)) {
    shape.types = [...new Set([...shape.types, ...kept.flatMap((v) => v.types)])].sort();
    shape.nullable ||= kept.some((v) => v.nullable);
    return;
  }
  shape.variants.push(...kept);
}

/** Folds `from` into `into` (allOf members, a lone variant); what `into` states itself wins. */
function merge(into: Shape, from: Shape): void {
  if (!into.types.length) into.types = from.types;
  into.enum ??= from.enum;
  for (const [name, field] of from.properties) if (!into.properties.has(name)) into.properties.set(name, field);
  for (const name of from.required) into.required.add(name);
  into.items ??= from.items;
  into.additional ??= from.additional;
  into.variants.push(...from.variants);
  into.name ??= from.name;
  if (from.truncated && !into.properties.size && !into.items) into.truncated = true;
}
