/**
 * Schema Objects whose keywords have the wrong shape (`type: 5`, `enum: 5`, `properties` as a list,
 * `allOf` as a mapping). openapi-typescript crashes on them with a TypeError that names no schema;
 * here each is an error at the file, line:column and field path of the keyword, in whichever file
 * the schema lives (schemas reached through `$ref` are followed into their files).
 */
import { CodegenError, fieldPath } from "../errors.js";
import { pointerOf, refFragmentSegments } from "../json-pointer.js";
import type { SourceDocument } from "../source.js";
import type { LoadedDocuments } from "./load.js";

const TYPES = ["array", "boolean", "integer", "null", "number", "object", "string"];
/** Keywords holding one schema, a list of schemas, or a mapping of name → schema. */
const ONE_SCHEMA = ["items", "not", "additionalProperties", "contains", "if", "then", "else", "propertyNames"];
const SCHEMA_LIST = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_MAP = ["properties", "patternProperties", "$defs", "dependentSchemas"];

type Segments = (string | number)[];

export function schemaShapeErrors(spec: LoadedDocuments): CodegenError[] {
  const errors: CodegenError[] = [];
  // By identity: each schema node is checked once, however many refs reach it.
  const visited = new WeakSet<object>();
  const visitedTargets = new WeakSet<object>();

  const at = (doc: SourceDocument, segments: Segments, detail: string) =>
    errors.push(
      new CodegenError(
        { file: doc.displayPath, field: fieldPath(segments), ...doc.locate(segments) },
        `${detail} (${pointerOf(segments)})`,
      ),
    );

  const visitSchema = (doc: SourceDocument, node: unknown, segments: Segments): void => {
    if (typeof node === "boolean") return;
    if (!node || typeof node !== "object" || Array.isArray(node)) {
      at(doc, segments, `expected a schema (a mapping), got ${describe(node)}`);
      return;
    }
    if (visited.has(node)) return;
    visited.add(node);
    const schema = node as Record<string, unknown>;
    if (typeof schema.$ref === "string") {
      const ref = schema.$ref;
      const target = spec.documents.get(spec.fileOf(ref, doc.file));
      // Unresolvable and remote refs were reported by the loader.
      if (target && !/^[a-z][a-z0-9+.-]+:/i.test(ref))
        visitSchema(target, spec.resolveRef(ref, doc.file), refFragmentSegments(ref.split("#", 2)[1] ?? ""));
    }
    const type = schema.type;
    if (type !== undefined) {
      const valid = (t: unknown) => typeof t === "string" && TYPES.includes(t);
      if (!(valid(type) || (Array.isArray(type) && type.length > 0 && type.every(valid)))) {
        at(
          doc,
          [...segments, "type"],
          `expected one of ${TYPES.map((t) => `"${t}"`).join(", ")} (or a list of them), got ${describe(type)}${
            type === "file" ? ' (Swagger 2.0\'s "file" is `type: string, format: binary` in OpenAPI 3)' : ""
          }`,
        );
      }
    }
    if (schema.enum !== undefined && !Array.isArray(schema.enum))
      at(doc, [...segments, "enum"], `expected a list of values, got ${describe(schema.enum)}`);
    if (
      schema.required !== undefined &&
      !(Array.isArray(schema.required) && schema.required.every((r) => typeof r === "string"))
    )
      at(doc, [...segments, "required"], `expected a list of property names, got ${describe(schema.required)}`);
    for (const keyword of ONE_SCHEMA)
      if (schema[keyword] !== undefined) visitSchema(doc, schema[keyword], [...segments, keyword]);
    for (const keyword of SCHEMA_LIST) {
      const list = schema[keyword];
      if (list === undefined) continue;
      if (!Array.isArray(list)) at(doc, [...segments, keyword], `expected a list of schemas, got ${describe(list)}`);
      else
        list.forEach((item, index) => {
          visitSchema(doc, item, [...segments, keyword, index]);
        });
    }
    for (const keyword of SCHEMA_MAP) {
      const map = schema[keyword];
      if (map === undefined) continue;
      if (!map || typeof map !== "object" || Array.isArray(map))
        at(doc, [...segments, keyword], `expected a mapping of name to schema, got ${describe(map)}`);
      else for (const [name, child] of Object.entries(map)) visitSchema(doc, child, [...segments, keyword, name]);
    }
  };

  // Outside schemas: every `schema` of a parameter, header or media type, and components.schemas.
  const visitDocument = (doc: SourceDocument, node: unknown, segments: Segments): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visitDocument(doc, item, [...segments, index]);
      });
      return;
    }
    if (!node || typeof node !== "object") return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string" && !/^[a-z][a-z0-9+.-]+:/i.test(ref)) {
      // A response, parameter or path item kept in another file: its schemas are checked there.
      const target = spec.documents.get(spec.fileOf(ref, doc.file));
      const resolved = spec.resolveRef(ref, doc.file);
      if (target && resolved && typeof resolved === "object" && !visitedTargets.has(resolved)) {
        visitedTargets.add(resolved);
        visitDocument(target, resolved, refFragmentSegments(ref.split("#", 2)[1] ?? ""));
      }
    }
    for (const [key, child] of Object.entries(node)) {
      const path = [...segments, key];
      if (key === "example" || key === "examples" || key.startsWith("x-")) continue;
      // The containers openapi-typescript iterates: the wrong kind crashes it with a bare TypeError.
      const expected = containerKind(segments, key);
      if (expected === "list" && !Array.isArray(child)) {
        at(doc, path, `expected a list of parameters, got ${describe(child)}`);
        continue;
      }
      if (expected === "mapping" && (!child || typeof child !== "object" || Array.isArray(child))) {
        at(doc, path, `expected a mapping, got ${describe(child)}`);
        continue;
      }
      if (key === "schema" || (segments.length === 2 && segments[0] === "components" && segments[1] === "schemas"))
        visitSchema(doc, child, path);
      else visitDocument(doc, child, path);
    }
  };
  visitDocument(spec.root, spec.root.value, []);
  // In reading order, file by file.
  const where = (e: CodegenError) => e.location;
  return errors.sort(
    (a, b) =>
      where(a).file.localeCompare(where(b).file) ||
      (where(a).line ?? 0) - (where(b).line ?? 0) ||
      (where(a).column ?? 0) - (where(b).column ?? 0),
  );
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** What a key outside schemas must hold, from where it sits; undefined when anything goes. */
function containerKind(segments: Segments, key: string): "list" | "mapping" | undefined {
  // A link's `parameters` is a mapping of expressions, not a parameter list.
  if (segments.includes("links") || segments.includes("callbacks")) return undefined;
  const inComponents = segments.length === 1 && segments[0] === "components";
  if (key === "parameters") return inComponents ? "mapping" : "list";
  if (inComponents || ["paths", "responses", "content", "headers", "requestBody"].includes(key)) return "mapping";
  const underPaths = segments[0] === "paths";
  if (underPaths && segments.length === 1) return "mapping"; // a path item
  if (underPaths && segments.length === 2 && METHODS.has(key)) return "mapping"; // an operation
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
}
