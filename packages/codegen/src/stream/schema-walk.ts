/**
 * What the generator reads from payload schemas: the `const` properties of a request (the fields the
 * runtime sends unchanged, e.g. ALOR's `opcode`), and whether a dotted path can exist in a message
 * (so a typo in `dedupeBy` or `conflateKey` fails generation instead of silently matching nothing).
 */
import type { LoadedDocuments } from "../spec/load.js";
import { child, follow, isMapping, type Located } from "./located.js";

/** The object schemas a schema is made of: itself, and its `allOf` parts (refs followed). */
function parts(docs: LoadedDocuments, schema: Located, branches: boolean, depth = 0): Located[] {
  const node = follow(docs, schema);
  if (!isMapping(node.value) || depth > 16) return [];
  const out = [node];
  for (const keyword of branches ? ["allOf", "anyOf", "oneOf"] : ["allOf"]) {
    const list = node.value[keyword];
    if (!Array.isArray(list)) continue;
    list.forEach((_, index) => {
      out.push(...parts(docs, child(node, keyword, index), branches, depth + 1));
    });
  }
  return out;
}

/** `const` properties of a request schema (through `allOf`), with the node of each for error positions. */
export function constFields(docs: LoadedDocuments, schema: Located): Record<string, unknown> {
  const fixed: Record<string, unknown> = {};
  for (const part of parts(docs, schema, false)) {
    const properties = (part.value as { properties?: unknown }).properties;
    if (!isMapping(properties)) continue;
    for (const name of Object.keys(properties)) {
      const property = follow(docs, child(part, "properties", name));
      if (isMapping(property.value) && "const" in property.value) fixed[name] = property.value.const;
    }
  }
  return fixed;
}

/**
 * Whether `path` (dotted) can name a value of a message: some branch (`allOf`, `anyOf`, `oneOf`)
 * declares each step. A schema that declares no properties at a step admits any path below it.
 */
export function pathCanExist(docs: LoadedDocuments, schema: Located, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const [head, ...rest] = path as [string, ...string[]];
  const candidates = parts(docs, schema, true);
  let open = candidates.length === 0;
  for (const part of candidates) {
    const properties = (part.value as { properties?: unknown }).properties;
    if (isMapping(properties) && head in properties) {
      if (pathCanExist(docs, child(part, "properties", head), rest)) return true;
    } else if (!isMapping(properties) && isOpenObject(part.value as Record<string, unknown>)) {
      open = true;
    }
  }
  return open;
}

/** An object schema that declares neither properties nor composition: any field may be there. */
function isOpenObject(schema: Record<string, unknown>): boolean {
  const type = schema.type;
  const objectish = type === undefined || type === "object" || (Array.isArray(type) && type.includes("object"));
  return objectish && !["allOf", "anyOf", "oneOf"].some((keyword) => keyword in schema);
}

/**
 * Local `$ref`s in the document's schemas that would not resolve once the schemas are moved into a
 * generated OpenAPI document's `components.schemas` (anything but `#/components/schemas/…`).
 */
export function misplacedLocalRefs(node: Located): Located[] {
  const found: Located[] = [];
  const visit = (current: Located) => {
    const { value } = current;
    if (Array.isArray(value)) {
      value.forEach((_, index) => {
        visit(child(current, index));
      });
      return;
    }
    if (!isMapping(value)) return;
    for (const key of Object.keys(value)) {
      const ref = value[key];
      const isRef = key === "$ref" && typeof ref === "string" && current.segments.at(-1) !== "properties";
      if (isRef && ref.startsWith("#") && !ref.startsWith("#/components/schemas/")) found.push(child(current, key));
      else if (!isRef) visit(child(current, key));
    }
  };
  visit(node);
  return found;
}
