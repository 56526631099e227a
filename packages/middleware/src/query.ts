/**
 * Query serialization that follows the spec per parameter: openapi-fetch serializes every array
 * as `name=a&name=b` (form, explode); parameters the spec declares `explode: false` are sent as
 * `name=a,b`, which is what brokers such as Saxo expect.
 */
import { createQuerySerializer, serializeArrayParam } from "openapi-fetch";

export type QuerySerializer = (query: Record<string, unknown>) => string;

export function querySerializerFor(commaSeparated: readonly string[]): QuerySerializer | undefined {
  if (!commaSeparated.length) return undefined;
  const names = new Set(commaSeparated);
  const standard = createQuerySerializer();
  return (query) => {
    const parts: string[] = [];
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      const part =
        Array.isArray(value) && names.has(name)
          ? value.length
            ? serializeArrayParam(name, value, { style: "form", explode: false, allowReserved: false })
            : ""
          : standard({ [name]: value });
      if (part) parts.push(part);
    }
    return parts.join("&");
  };
}
