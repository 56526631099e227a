/**
 * Message and params types of a stream, from openapi-typescript: the AsyncAPI document's payload
 * schemas become `components.schemas` of a generated OpenAPI 3.1 document, beside the document's own
 * schemas, so `$ref`s into the broker's OpenAPI spec resolve and its schemas are reused.
 */
import type { OpenAPI3 } from "openapi-typescript";
import type { LoadedAsyncApi } from "../stream/asyncapi.js";
import type { Located } from "../stream/located.js";
import { openapiTypes } from "./types.js";

export async function emitStreamTypes(
  doc: LoadedAsyncApi,
  payloads: readonly { name: string; payload: Located }[],
): Promise<string> {
  const own = (doc.root.value as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  const schemas: Record<string, unknown> = {};
  for (const { name, payload } of payloads) schemas[name] = payload.value;
  Object.assign(schemas, own);
  const document = {
    openapi: "3.1.0",
    info: { title: doc.title || doc.root.displayPath, version: doc.asyncapiVersion },
    paths: {},
    components: { schemas },
  } as unknown as OpenAPI3;
  return openapiTypes(document, doc.file, doc.root.displayPath, doc);
}
