/** Path, operation and schema types, produced by openapi-typescript. */

import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { CodegenError } from "../errors.js";
import type { LoadedSpec } from "../spec/load.js";

export async function emitTypes(spec: LoadedSpec): Promise<string> {
  try {
    // defaultNonNullable: false — a field with a default is optional to send (the server fills it in).
    const ast = await openapiTS(pathToFileURL(spec.file), {
      silent: true,
      alphabetize: false,
      defaultNonNullable: false,
    });
    return astToString(ast);
  } catch (error) {
    throw new CodegenError(
      { file: spec.root.displayPath },
      `openapi-typescript could not convert the spec: ${(error as Error).message}`,
    );
  }
}
