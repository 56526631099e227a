/**
 * Loads `broker.yaml`, validates it against the JSON Schema (unknown keys are errors), then checks
 * what a schema cannot: that every name it refers to (server keys, auth schemes, APIs) exists.
 */
import { CodegenError, CodegenErrors, fieldPath } from "../errors.js";
import { type KeywordMessage, schemaErrors, schemaValidator } from "../schema-errors.js";
import { readSource, type SourceDocument } from "../source.js";
import { checkClientFilled } from "./operation-facts.js";
import { checkStreamReferences } from "./streams.js";
import type { Manifest } from "./types.js";

const validate = schemaValidator(new URL("../../schema/broker.schema.json", import.meta.url));

/** The auth `kind` discriminator: name the kinds instead of ajv's generic mapping message. */
const authKind: KeywordMessage = (error, at, segments) =>
  error.keyword === "discriminator"
    ? new CodegenError(
        at([...segments, "kind"]),
        `unknown auth kind ${JSON.stringify((error.data as { kind?: unknown } | undefined)?.kind)} (expected one of: refresh-exchange, oauth2, static-headers, basic, bearer, signature)`,
      )
    : undefined;

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
  const invalid = schemaErrors(validate(source.value), source, authKind);
  if (invalid.length) throw new CodegenErrors(invalid);
  const manifest = source.value as Manifest;
  const referenceErrors = [
    ...checkReferences(manifest, source),
    ...checkStreamReferences(manifest, source),
    ...checkClientFilled(manifest, source),
  ];
  if (referenceErrors.length) throw new CodegenErrors(referenceErrors);
  return { manifest, source };
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
