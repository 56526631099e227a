/**
 * `specs/<broker>/drift-allow.yaml`: differences the project accepts on purpose, each with its reason.
 * Validated like the manifest (unknown keys and a missing reason name file:line:column); an entry that
 * matches no difference is stale, so the list cannot quietly outlive what it excuses.
 */
import { CodegenError, CodegenErrors, formatLocation } from "../errors.js";
import { schemaErrors, schemaValidator } from "../schema-errors.js";
import { readSource } from "../source.js";
import { operationKey } from "./operations.js";
import type { Difference, DriftCode, StaleEntry } from "./types.js";

const validate = schemaValidator(new URL("../../schema/drift-allow.schema.json", import.meta.url));

export interface AllowEntry {
  code: DriftCode;
  operation?: string;
  field?: string;
  reason: string;
  /** `file:line:column` of the entry, for messages. */
  at: string;
}

/** Reads the allow-list and returns the entries for `api`; `apiNames` are the manifest's APIs. */
export async function loadAllowList(
  file: string,
  displayPath: string,
  api: string,
  apiNames: string[],
): Promise<AllowEntry[]> {
  const source = await readSource(file, displayPath);
  if (!source.value || typeof source.value !== "object" || Array.isArray(source.value)) {
    throw new CodegenError(
      { file: displayPath, line: 1 },
      "an allow-list must be a YAML mapping with an `apis` key (see packages/codegen/schema/drift-allow.schema.json)",
    );
  }
  // The `if/then` that makes `operation` required reports itself once more as "must match then"; the
  // `required` error it comes with already says what is wrong.
  const invalid = schemaErrors(
    validate(source.value).filter((e) => e.keyword !== "if"),
    source,
  );
  if (invalid.length) throw new CodegenErrors(invalid);
  const apis = (source.value as { apis: Record<string, Omit<AllowEntry, "at">[]> }).apis;
  const unknown = Object.keys(apis).filter((name) => !apiNames.includes(name));
  if (unknown.length) {
    throw new CodegenErrors(
      unknown.map(
        (name) =>
          new CodegenError(
            { file: displayPath, field: `apis.${name}`, ...source.locate(["apis", name], "key") },
            `unknown api "${name}" (the manifest defines: ${apiNames.join(", ")})`,
          ),
      ),
    );
  }
  return (apis[api] ?? []).map((entry, index) => ({
    ...entry,
    at: formatLocation({ file: displayPath, ...source.locate(["apis", api, index]) }).replace(/: $/, ""),
  }));
}

/**
 * Marks each difference an entry accepts (the first matching entry's reason is shown) and returns
 * the entries that accept nothing. An entry without `operation` or `field` matches any.
 */
export function applyAllowList(differences: Difference[], entries: AllowEntry[]): StaleEntry[] {
  const stale: StaleEntry[] = [];
  for (const entry of entries) {
    const operation = entry.operation === undefined ? undefined : normalizeOperation(entry.operation);
    let matched = false;
    for (const difference of differences) {
      if (difference.code !== entry.code) continue;
      if (operation !== undefined && normalizeOperation(difference.operation ?? "") !== operation) continue;
      if (entry.field !== undefined && difference.field !== entry.field) continue;
      matched = true;
      difference.allowed ??= { reason: entry.reason, at: entry.at };
    }
    if (!matched) stale.push({ ...entry });
  }
  return stale;
}

function normalizeOperation(operation: string): string {
  const space = operation.indexOf(" ");
  return space < 0 ? operation : operationKey(operation.slice(0, space), operation.slice(space + 1));
}
