/** The operations of a spec, keyed `METHOD /path`, with their parameters, body and responses dereferenced. */
import { deref, isObject, type Located, type SpecDocuments } from "./documents.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface OperationView {
  method: string;
  path: string;
  operationId?: string;
  operation: Record<string, unknown>;
  /** Path-level and operation-level parameters, keyed `in:name` (operation level wins). */
  parameters: Map<string, Located>;
  requestBody?: Located;
  /** Keyed by status code (`200`, `4XX`, `default`). */
  responses: Map<string, Located>;
  /** Servers in effect (operation's, else the path item's). */
  servers: unknown;
  security: unknown;
}

export function operationsOf(spec: SpecDocuments): Map<string, OperationView> {
  const out = new Map<string, OperationView>();
  const paths = (spec.documents[spec.root] as { paths?: unknown } | undefined)?.paths;
  if (!isObject(paths)) return out;
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(spec, rawItem, spec.root);
    if (!isObject(item.value)) continue;
    for (const method of METHODS) {
      const op = deref(spec, item.value[method], item.doc);
      if (!isObject(op.value)) continue;
      const parameters = new Map<string, Located>();
      for (const owner of [item, op]) {
        const list = (owner.value as { parameters?: unknown }).parameters;
        if (!Array.isArray(list)) continue;
        for (const raw of list) {
          const parameter = deref(spec, raw, owner.doc);
          if (!isObject(parameter.value)) continue;
          parameters.set(`${String(parameter.value.in)}:${String(parameter.value.name)}`, parameter);
        }
      }
      const responses = new Map<string, Located>();
      const rawResponses = op.value.responses;
      if (isObject(rawResponses)) {
        for (const [status, raw] of Object.entries(rawResponses)) {
          const response = deref(spec, raw, op.doc);
          if (isObject(response.value)) responses.set(status, response);
        }
      }
      const body = op.value.requestBody === undefined ? undefined : deref(spec, op.value.requestBody, op.doc);
      out.set(`${method.toUpperCase()} ${path}`, {
        method: method.toUpperCase(),
        path,
        ...(typeof op.value.operationId === "string" ? { operationId: op.value.operationId } : {}),
        operation: op.value,
        parameters,
        ...(body && isObject(body.value) ? { requestBody: body } : {}),
        responses,
        servers: op.value.servers ?? item.value.servers,
        security: op.value.security,
      });
    }
  }
  return out;
}
