/**
 * Validates a YAML/JSON document against one of the package's JSON Schemas (ajv) and turns each
 * failure into a CodegenError naming the file, line:column and field path, as every loader here must.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { CodegenError, fieldPath, type SourceLocation } from "./errors.js";
import { pointerSegments } from "./json-pointer.js";
import type { SourceDocument } from "./source.js";

/** Compiles the schema at `url` on first use; returns the errors for a value (empty when valid). */
export function schemaValidator(url: URL): (value: unknown) => ErrorObject[] {
  let validator: ReturnType<Ajv["compile"]> | undefined;
  return (value) => {
    if (!validator) {
      const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false, verbose: true });
      validator = ajv.compile(JSON.parse(readFileSync(url, "utf8")) as object);
    }
    return validator(value) ? [] : (validator.errors ?? []);
  };
}

/** Message for a keyword a document type words its own way (e.g. the manifest's auth `kind`). */
export type KeywordMessage = (
  error: ErrorObject,
  at: (segments: (string | number)[]) => SourceLocation,
  segments: (string | number)[],
) => CodegenError | undefined;

/** One CodegenError per problem (duplicates from oneOf branches removed). */
export function schemaErrors(errors: ErrorObject[], source: SourceDocument, special?: KeywordMessage): CodegenError[] {
  const seen = new Set<string>();
  return errors
    .map((error) => toCodegenError(error, source, special))
    .filter((e) => {
      if (seen.has(e.message)) return false;
      seen.add(e.message);
      return true;
    });
}

function toCodegenError(error: ErrorObject, source: SourceDocument, special?: KeywordMessage): CodegenError {
  const segments = typedSegments(source.value, pointerSegments(error.instancePath));
  const at = (segs: (string | number)[], target: "key" | "value" = "value") => ({
    file: source.displayPath,
    field: fieldPath(segs) || "(root)",
    ...source.locate(segs, target),
  });
  const custom = special?.(error, at, segments);
  if (custom) return custom;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = allowedKeys(error);
      return new CodegenError(
        at([...segments, key], "key"),
        `unknown key "${key}"${allowed ? ` (expected one of: ${allowed})` : ""}`,
      );
    }
    case "required":
      return new CodegenError(at(segments), `missing required field "${String(params.missingProperty)}"`);
    case "enum":
      return new CodegenError(
        at(segments),
        `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(error.data)}`,
      );
    case "const":
      return new CodegenError(
        at(segments),
        `expected ${JSON.stringify(params.allowedValue)}, got ${JSON.stringify(error.data)}`,
      );
    case "pattern": {
      const described = (error.parentSchema as { description?: string } | undefined)?.description;
      return new CodegenError(
        at(segments),
        `${JSON.stringify(error.data)} is not valid: expected ${described ?? `a value matching ${String(params.pattern)}`}`,
      );
    }
    case "propertyNames":
      return new CodegenError(at(segments), `invalid key name (${error.message ?? "bad name"})`);
    case "type":
      return new CodegenError(at(segments), `expected ${String(params.type)}, got ${describeType(error.data)}`);
    default:
      return new CodegenError(at(segments), error.message ?? `invalid (${error.keyword})`);
  }
}

/** Array indices become numbers so they print as `[0]` and locate inside YAML sequences. */
function typedSegments(root: unknown, segments: string[]): (string | number)[] {
  let node = root;
  return segments.map((segment) => {
    const typed = Array.isArray(node) && /^\d+$/.test(segment) ? Number(segment) : segment;
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
    return typed;
  });
}

function allowedKeys(error: ErrorObject): string | undefined {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties
    ? Object.keys(properties)
        .filter((k) => k !== "$schema")
        .join(", ")
    : undefined;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
}
