/**
 * Compares two versions of a schema the way a user of the generated types feels it. Named schemas
 * (ref targets) are compared once each by the caller, with the directions they are used in; this file
 * compares one schema inline and hands every named schema it meets back through `named`.
 */
import { deepEqual, deref, isObject, type Located, refOf, resolveRef, type SpecDocuments } from "./documents.js";
import type { Bump, Direction, SpecChange } from "./types.js";

/** Keywords that constrain values without changing the generated types: changes to them are a patch. */
const VALIDATION_KEYS = [
  "format",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "default",
  "readOnly",
  "writeOnly",
] as const;

export interface SchemaDiffContext {
  before: SpecDocuments;
  after: SpecDocuments;
  out: SpecChange[];
  /** Called for a named schema referenced at the same place in both versions. */
  named(id: string): void;
  /** How a ref target is called in messages. */
  nameOf(id: string): string;
}

interface View {
  raw: Record<string, unknown>;
  doc: string;
  types?: Set<string>;
  enum?: unknown[];
  properties: Map<string, Located>;
  required: Set<string>;
  items?: Located;
  additional?: Located;
  variants: Located[];
}

const MAX_DEPTH = 24;

/**
 * @param subject what the schema is, for messages ("schema `Order`", "`POST /v2/orders` request body")
 * @param directions where the data travels; empty means unknown, and is treated as both
 */
export function diffSchema(
  ctx: SchemaDiffContext,
  a: Located,
  b: Located,
  directions: ReadonlySet<Direction>,
  subject: string,
  path = "",
  depth = 0,
): void {
  if (depth > MAX_DEPTH) return;
  const sends = directions.size === 0 || directions.has("request");
  const receives = directions.size === 0 || directions.has("response");
  const at = path ? `${subject}, field \`${path}\`` : subject;
  const add = (bump: Bump, message: string) => ctx.out.push({ bump, message: `${at}: ${message}` });

  const refA = refOf(a.value);
  const refB = refOf(b.value);
  if (refA !== undefined && refB !== undefined) {
    const idA = resolveRef(ctx.before, refA, a.doc).id as string;
    const idB = resolveRef(ctx.after, refB, b.doc).id as string;
    if (idA === idB) ctx.named(idA);
    else add("major", `type changed from ${ctx.nameOf(idA)} to ${ctx.nameOf(idB)}`);
    return;
  }
  const va = view(ctx.before, refA === undefined ? a : deref(ctx.before, a.value, a.doc));
  const vb = view(ctx.after, refB === undefined ? b : deref(ctx.after, b.value, b.doc));
  if (!va || !vb) {
    if (!deepEqual(a.value, b.value)) add("major", "schema replaced");
    return;
  }

  // Types: narrowing breaks senders and receivers alike (values they used are gone); widening breaks
  // receivers, who must now handle values they never saw (e.g. null).
  if (va.types && vb.types && !sameSet(va.types, vb.types)) {
    const from = [...va.types].join(" | ");
    const to = [...vb.types].join(" | ");
    const widened = [...va.types].every((t) => covers(vb.types as Set<string>, t));
    if (widened && !receives) add("minor", `accepts more types (${from} → ${to})`);
    else add("major", `${widened ? "type widened" : "type changed"} (${from} → ${to})`);
  }

  if (va.enum && vb.enum) {
    const removed = va.enum.filter((v) => !vb.enum?.some((w) => deepEqual(v, w)));
    const added = vb.enum.filter((v) => !va.enum?.some((w) => deepEqual(v, w)));
    if (removed.length) add("major", `enum value${plural(removed)} ${list(removed)} removed`);
    if (added.length) add("minor", `enum value${plural(added)} ${list(added)} added`);
  } else if (va.enum && !vb.enum) add("minor", "no longer restricted to an enum");
  else if (!va.enum && vb.enum) add("major", `now restricted to enum ${list(vb.enum)}`);

  if ("const" in va.raw || "const" in vb.raw) {
    if (!deepEqual(va.raw.const, vb.raw.const)) add("major", "const value changed");
  }

  for (const [name, located] of vb.properties) {
    const field = path ? `${path}.${name}` : name;
    if (!va.properties.has(name)) {
      const required = vb.required.has(name);
      if (required && sends) ctx.out.push({ bump: "major", message: `${subject}: added required field \`${field}\`` });
      else
        ctx.out.push({ bump: "minor", message: `${subject}: added ${required ? "" : "optional "}field \`${field}\`` });
      continue;
    }
    const wasRequired = va.required.has(name);
    const isRequired = vb.required.has(name);
    const fieldAt = `${subject}, field \`${field}\``;
    if (!wasRequired && isRequired) {
      ctx.out.push({ bump: sends ? "major" : "minor", message: `${fieldAt}: now required` });
    } else if (wasRequired && !isRequired) {
      ctx.out.push({ bump: receives ? "major" : "minor", message: `${fieldAt}: no longer required` });
    }
    diffSchema(ctx, va.properties.get(name) as Located, located, directions, subject, field, depth + 1);
  }
  for (const name of va.properties.keys()) {
    if (!vb.properties.has(name)) {
      ctx.out.push({ bump: "major", message: `${subject}: removed field \`${path ? `${path}.${name}` : name}\`` });
    }
  }

  if (va.items && vb.items) diffSchema(ctx, va.items, vb.items, directions, subject, `${path}[]`, depth + 1);

  if (va.additional && vb.additional) {
    diffSchema(ctx, va.additional, vb.additional, directions, subject, `${path}{}`, depth + 1);
  } else if (va.additional && !vb.additional) add("major", "no longer accepts additional properties");
  else if (!va.additional && vb.additional) add("minor", "accepts additional properties");

  diffVariants(ctx, va, vb, directions, subject, path, depth, add);

  const changedRules = VALIDATION_KEYS.filter((key) => !deepEqual(va.raw[key], vb.raw[key]));
  if (changedRules.length) add("patch", `validation changed (${changedRules.map((k) => `\`${k}\``).join(", ")})`);
  if (va.raw.deprecated !== true && vb.raw.deprecated === true) add("minor", "deprecated");
}

function diffVariants(
  ctx: SchemaDiffContext,
  va: View,
  vb: View,
  directions: ReadonlySet<Direction>,
  subject: string,
  path: string,
  depth: number,
  add: (bump: Bump, message: string) => void,
): void {
  if (!va.variants.length && !vb.variants.length) return;
  const key = (spec: SpecDocuments, v: Located, index: number) => {
    const ref = refOf(v.value);
    return ref === undefined ? `#${index}` : (resolveRef(spec, ref, v.doc).id as string);
  };
  const before = new Map(va.variants.map((v, i) => [key(ctx.before, v, i), v]));
  const after = new Map(vb.variants.map((v, i) => [key(ctx.after, v, i), v]));
  for (const [id, v] of after) {
    const old = before.get(id);
    if (old) diffSchema(ctx, old, v, directions, subject, path, depth + 1);
    else add("minor", `new variant ${id.startsWith("#") ? "(inline)" : ctx.nameOf(id)}`);
  }
  for (const id of before.keys()) {
    if (!after.has(id)) add("major", `variant ${id.startsWith("#") ? "(inline)" : ctx.nameOf(id)} removed`);
  }
}

/** A schema flattened for comparison: `allOf` members merged, `nullable` folded into the types. */
function view(spec: SpecDocuments, located: Located, depth = 0): View | undefined {
  const raw = located.value;
  if (!isObject(raw)) return undefined;
  const v: View = {
    raw,
    doc: located.doc,
    properties: new Map(),
    required: new Set(Array.isArray(raw.required) ? raw.required.map(String) : []),
    variants: [],
  };
  const declared = raw.type === undefined ? undefined : Array.isArray(raw.type) ? raw.type : [raw.type];
  if (declared) v.types = new Set(declared.map(String));
  if (Array.isArray(raw.enum)) v.enum = raw.enum;
  if (isObject(raw.properties)) {
    for (const [name, child] of Object.entries(raw.properties))
      v.properties.set(name, { value: child, doc: located.doc });
  }
  if (raw.items !== undefined) v.items = { value: raw.items, doc: located.doc };
  if (raw.additionalProperties !== undefined && raw.additionalProperties !== false) {
    v.additional = { value: raw.additionalProperties === true ? {} : raw.additionalProperties, doc: located.doc };
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const variants = raw[key];
    if (Array.isArray(variants)) for (const item of variants) v.variants.push({ value: item, doc: located.doc });
  }
  if (Array.isArray(raw.allOf) && depth < MAX_DEPTH) {
    for (const member of raw.allOf) {
      const part = view(spec, deref(spec, member, located.doc), depth + 1);
      if (!part) continue;
      for (const [name, child] of part.properties) if (!v.properties.has(name)) v.properties.set(name, child);
      for (const name of part.required) v.required.add(name);
      v.types ??= part.types;
      v.enum ??= part.enum;
      v.items ??= part.items;
      v.additional ??= part.additional;
      v.variants.push(...part.variants);
    }
  }
  if (!v.types) {
    if (v.properties.size) v.types = new Set(["object"]);
    else if (v.items) v.types = new Set(["array"]);
  }
  if (v.types && raw.nullable === true) v.types.add("null");
  return v;
}

function covers(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === "integer" && types.has("number"));
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function plural(values: unknown[]): string {
  return values.length === 1 ? "" : "s";
}

function list(values: unknown[]): string {
  return values.map((v) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``).join(", ");
}
