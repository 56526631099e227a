/**
 * Loads `broker.yaml`, validates it against the JSON Schema (unknown keys are errors), then checks
 * what a schema cannot: that every name it refers to (server keys, auth schemes, APIs) exists.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { CodegenError, CodegenErrors, fieldPath } from "../errors.js";
import { pointerSegments } from "../json-pointer.js";
import { readSource, type SourceDocument } from "../source.js";
import type { Manifest } from "./types.js";

const schemaUrl = new URL("../../schema/broker.schema.json", import.meta.url);
let validator: ReturnType<Ajv["compile"]> | undefined;

function validate(value: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false, verbose: true });
    validator = ajv.compile(JSON.parse(readFileSync(schemaUrl, "utf8")) as object);
  }
  return validator(value) ? [] : (validator.errors ?? []);
}

export interface LoadedManifest {
  manifest: Manifest;
  source: SourceDocument;
}

export async function loadManifest(file: string, displayPath: string): Promise<LoadedManifest> {
  const source = await readSource(file, displayPath);
  if (!source.value || typeof source.value !== "object" || Array.isArray(source.value)) {
    throw new CodegenError(
      { file: displayPath, line: 1 },
      "a manifest must be a YAML mapping (see packages/codegen/schema/broker.schema.json)",
    );
  }
  const schemaErrors = validate(source.value).map((error) => toCodegenError(error, source));
  if (schemaErrors.length) throw new CodegenErrors(dedupe(schemaErrors));
  const manifest = source.value as Manifest;
  const referenceErrors = checkReferences(manifest, source);
  if (referenceErrors.length) throw new CodegenErrors(referenceErrors);
  return { manifest, source };
}

function toCodegenError(error: ErrorObject, source: SourceDocument): CodegenError {
  const segments = typedSegments(source.value, pointerSegments(error.instancePath));
  const at = (segs: (string | number)[], target: "key" | "value" = "value") => ({
    file: source.displayPath,
    field: fieldPath(segs) || "(root)",
    ...source.locate(segs, target),
  });
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
    case "discriminator":
      return new CodegenError(
        at([...segments, "kind"]),
        `unknown auth kind ${JSON.stringify((error.data as { kind?: unknown } | undefined)?.kind)} (expected one of: refresh-exchange, oauth2, static-headers, basic, bearer)`,
      );
    case "type":
      return new CodegenError(at(segments), `expected ${String(params.type)}, got ${describeType(error.data)}`);
    default:
      return new CodegenError(at(segments), error.message ?? `invalid (${error.keyword})`);
  }
}

function checkReferences(manifest: Manifest, source: SourceDocument): CodegenError[] {
  const errors: CodegenError[] = [];
  const fail = (segments: (string | number)[], detail: string) =>
    errors.push(
      new CodegenError({ file: source.displayPath, field: fieldPath(segments), ...source.locate(segments) }, detail),
    );
  const envNames = Object.keys(manifest.environments);
  const authNames = Object.keys(manifest.auth ?? {});
  const apiNames = Object.keys(manifest.apis);
  const serverKeysEverywhere = (key: string) =>
    envNames.filter((env) => !(key in (manifest.environments[env]?.servers ?? {})));
  const factories = new Map<string, string>();

  for (const [apiName, api] of Object.entries(manifest.apis)) {
    const missingIn = serverKeysEverywhere(api.server);
    if (missingIn.length)
      fail(
        ["apis", apiName, "server"],
        `server key "${api.server}" is not defined in environment(s) ${missingIn.join(", ")}`,
      );
    api.auth.forEach((name, index) => {
      if (!authNames.includes(name))
        fail(
          ["apis", apiName, "auth", index],
          `unknown auth scheme "${name}" (defined: ${authNames.join(", ") || "none"})`,
        );
    });
    for (const [url, key] of Object.entries(api.operationServers ?? {})) {
      const missing = serverKeysEverywhere(key);
      if (missing.length)
        fail(
          ["apis", apiName, "operationServers", url],
          `server key "${key}" is not defined in environment(s) ${missing.join(", ")}`,
        );
    }
    const other = factories.get(api.factory);
    if (other) fail(["apis", apiName, "factory"], `factory name "${api.factory}" is already used by api "${other}"`);
    factories.set(api.factory, apiName);
  }
  for (const [authName, auth] of Object.entries(manifest.auth ?? {})) {
    for (const field of ["tokenUrl", "authorizeUrl"] as const) {
      const template = (auth as Record<string, unknown>)[field];
      if (typeof template !== "string") continue;
      const key = /^\{([^}]+)\}/.exec(template)?.[1];
      if (key && serverKeysEverywhere(key).length)
        fail(
          ["auth", authName, field],
          `server key "${key}" is not defined in environment(s) ${serverKeysEverywhere(key).join(", ")}`,
        );
    }
  }
  const checkApis = (segments: (string | number)[], apis: string[] | undefined) =>
    apis?.forEach((name, index) => {
      if (!apiNames.includes(name))
        fail([...segments, "apis", index], `unknown api "${name}" (defined: ${apiNames.join(", ")})`);
    });
  manifest.rateLimits?.forEach((rule, index) => {
    checkApis(["rateLimits", index], rule.apis);
  });
  manifest.routes?.forEach((rule, index) => {
    checkApis(["routes", index], rule.apis);
    const fromParams = [...rule.from.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    const toParams = [...rule.to.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    if (fromParams.join() !== toParams.join())
      fail(
        ["routes", index, "to"],
        `path parameters differ from "from" (${fromParams.join(", ") || "none"} vs ${toParams.join(", ") || "none"})`,
      );
  });
  if (manifest.sticky) {
    checkApis(["sticky"], manifest.sticky.apis);
    if (!manifest.sticky.service.includes("{service}"))
      fail(["sticky", "service"], 'the pattern must capture "{service}"');
  }
  return errors;
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

/** With allErrors, a oneOf can report the same field twice; keep the first per location and text. */
function dedupe(errors: CodegenError[]): CodegenError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (seen.has(e.message)) return false;
    seen.add(e.message);
    return true;
  });
}
