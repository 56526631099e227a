/** Path, operation and schema types, produced by openapi-typescript. */

import { pathToFileURL } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import type { LoadedDocuments, LoadedSpec } from "../spec/load.js";
import { openapiTsError } from "../spec/openapi-ts-errors.js";
import { applyClientFilled, type ClientFilledRules, hasClientFilled } from "./client-filled.js";
import { tidyJsDoc, trimTypes } from "./trim-types.js";

export interface TypeOptions {
  /**
   * Header parameters that the client supplies itself when the caller does not (the manifest's
   * idempotency header). They stay required on the wire, as the spec says, but are optional to pass.
   */
  clientSuppliedHeaders?: readonly string[];
  /** Parameters and body fields the client fills in (manifest `clientFilled`, idempotency `bodyField`). */
  clientFilled?: ClientFilledRules;
}

export async function emitTypes(spec: LoadedSpec, options: TypeOptions = {}): Promise<string> {
  const headers = new Set((options.clientSuppliedHeaders ?? []).map((h) => h.toLowerCase()));
  // Only the root document is rewritten; refs into other files resolve from the spec's folder.
  const filled = options.clientFilled && hasClientFilled(options.clientFilled) ? options.clientFilled : undefined;
  let source: URL | OpenAPI3 = pathToFileURL(spec.file);
  if (headers.size || filled) {
    const relaxed = headers.size ? relaxHeaders(spec.root.value, headers) : (spec.root.value as OpenAPI3);
    source = filled ? applyClientFilled(relaxed, filled) : relaxed;
  }
  return openapiTypes(source, spec.file, spec.root.displayPath, spec);
}

/**
 * Runs openapi-typescript on a document (a file URL, or an object whose relative `$ref`s resolve
 * from `file`'s folder) with the project's settings.
 */
export async function openapiTypes(
  source: URL | OpenAPI3,
  file: string,
  displayPath: string,
  loaded?: LoadedDocuments,
): Promise<string> {
  // Where openapi-typescript was when it failed: its errors rarely say.
  let lastSchemaPath: string | undefined;
  try {
    const ast = await openapiTS(source, {
      silent: true,
      alphabetize: false,
      // A field with a default is optional to send: the server fills it in.
      defaultNonNullable: false,
      cwd: pathToFileURL(file),
      transform: (_schema, { path }) => {
        lastSchemaPath = path;
        return undefined;
      },
    });
    return tidyJsDoc(astToString(trimTypes(ast)));
  } catch (error) {
    throw openapiTsError({
      error,
      root: loaded?.root ?? { displayPath, locate: () => undefined },
      documents: loaded?.documents.values() ?? [],
      lastSchemaPath,
    });
  }
}

/** A copy of the document whose header parameters named in `headers` are not required. */
function relaxHeaders(document: unknown, headers: ReadonlySet<string>): OpenAPI3 {
  const copy = structuredClone(document) as OpenAPI3;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.in === "header" && typeof record.name === "string" && headers.has(record.name.toLowerCase())) {
      record.required = false;
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(copy);
  return copy;
}
