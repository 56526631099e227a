/**
 * What the manifest adds to an API's operation table: rate-limit weights and `safe` (apis.<api>.operations),
 * and `signed` for the operations whose spec declares the signature parameter of the API's signature
 * scheme. Also checks what a schema cannot: every `operations` key names an operation of the spec, and
 * every client-filled parameter is filled by something the manifest declares.
 */
import type { ApiConfig, OperationEntry, OperationFlags, SignatureSchemeConfig } from "@brokerkit/middleware";
import { CodegenError, CodegenErrors, fieldPath } from "../errors.js";
import type { SourceDocument } from "../source.js";
import type { DeclaredParameter } from "../spec/parameters.js";
import type { Manifest } from "./types.js";

export function withOperationFacts(
  manifest: Manifest,
  apiName: string,
  config: Omit<ApiConfig, "operations">,
  entries: readonly OperationEntry[],
  parameters: ReadonlyMap<string, DeclaredParameter[]>,
  source: SourceDocument,
): OperationEntry[] {
  const facts = manifest.apis[apiName]?.operations ?? {};
  const known = new Set(entries.map(([method, template]) => `${method} ${template}`));
  const errors: CodegenError[] = [];
  for (const key of Object.keys(facts)) {
    if (!known.has(key)) {
      const segments = ["apis", apiName, "operations", key];
      errors.push(
        new CodegenError(
          { file: source.displayPath, field: fieldPath(segments), ...source.locate(segments) },
          `no operation "${key}" in the spec of api "${apiName}" (write METHOD and the path template as the spec does)`,
        ),
      );
    }
  }
  if (errors.length) throw new CodegenErrors(errors);
  const signer = config.auth.find((scheme): scheme is SignatureSchemeConfig => scheme.kind === "signature");
  return entries.map((entry) => {
    const [method, template, flags] = entry;
    const key = `${method} ${template}`;
    const extra: OperationFlags = {};
    const fact = facts[key];
    if (fact?.weight !== undefined && fact.weight !== 1) extra.weight = fact.weight;
    if (fact?.safe) extra.safe = true;
    if (signer && declares(parameters.get(key), signer.signature)) extra.signed = true;
    if (Object.keys(extra).length === 0) return entry;
    return [method, template, { ...(flags ?? {}), ...extra }];
  });
}

/** Every client-filled parameter must be one the client fills: the signature scheme's, or the idempotency key. */
export function checkClientFilled(manifest: Manifest, source: SourceDocument): CodegenError[] {
  const fillers = new Set<string>();
  const add = (where: string, name: string) => fillers.add(`${where} ${name.toLowerCase()}`);
  for (const auth of Object.values(manifest.auth ?? {})) {
    if (auth.kind !== "signature") continue;
    add(auth.signature.in, auth.signature.name);
    add(auth.timestamp.in, auth.timestamp.name);
    if (auth.receiveWindow) add(auth.timestamp.in, auth.receiveWindow.name);
  }
  const idempotency = manifest.idempotency;
  if (idempotency?.header) add("header", idempotency.header);
  if (idempotency?.query) add("query", idempotency.query);
  if (idempotency?.bodyField) add("body", idempotency.bodyField);
  const errors: CodegenError[] = [];
  manifest.clientFilled?.forEach((entry, index) => {
    if (fillers.has(`${entry.in} ${entry.name.toLowerCase()}`)) return;
    const segments = ["clientFilled", index];
    errors.push(
      new CodegenError(
        { file: source.displayPath, field: fieldPath(segments), ...source.locate(segments) },
        `nothing in this manifest fills ${entry.in} parameter "${entry.name}": it must be a signature scheme's signature, timestamp or receiveWindow, or the idempotency key`,
      ),
    );
  });
  return errors;
}

function declares(parameters: DeclaredParameter[] | undefined, placed: { in: string; name: string }): boolean {
  const name = placed.name.toLowerCase();
  return parameters?.some((p) => p.in === placed.in && p.name.toLowerCase() === name) ?? false;
}
