/**
 * Rewrites a copy of a spec's root document so that the generated types leave the client-filled
 * parameters to the client: `omit` removes them from the operations (no placeholder arguments),
 * `optional` keeps them but not required; a body field the client fills (the idempotency key) stops
 * being required in the request bodies of the operations that carry it. The wire format is unchanged:
 * the middleware fills them in. Only the root document is rewritten; `$ref`s into other files are not.
 */

export interface ClientFilledRules {
  parameters: readonly { name: string; in: "query" | "header"; types: "omit" | "optional" }[];
  /** Body fields the client fills, with the operations (`METHOD`, path template) whose bodies carry them. */
  bodyFields: readonly { name: string; applies: (method: string, path: string) => boolean }[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];
const COMPONENT_PARAMETER = "#/components/parameters/";
const COMPONENT_SCHEMA = "#/components/schemas/";

type Node = Record<string, unknown>;

export function hasClientFilled(rules: ClientFilledRules): boolean {
  return rules.parameters.length > 0 || rules.bodyFields.length > 0;
}

export function applyClientFilled<T>(document: T, rules: ClientFilledRules): T {
  const copy = structuredClone(document) as Node;
  const components = (copy.components ?? {}) as { parameters?: Record<string, Node>; schemas?: Record<string, Node> };
  const ruleOf = (param: unknown) => {
    if (!param || typeof param !== "object") return undefined;
    const { name, in: where } = param as Node;
    if (typeof name !== "string") return undefined;
    return rules.parameters.find((rule) => rule.in === where && rule.name.toLowerCase() === name.toLowerCase());
  };
  const resolveParameter = (param: unknown): unknown => {
    const ref = (param as Node | undefined)?.$ref;
    return typeof ref === "string" && ref.startsWith(COMPONENT_PARAMETER)
      ? components.parameters?.[ref.slice(COMPONENT_PARAMETER.length)]
      : param;
  };
  const rewriteList = (list: unknown): unknown => {
    if (!Array.isArray(list)) return list;
    return list.filter((raw) => {
      const param = resolveParameter(raw);
      const rule = ruleOf(param);
      if (!rule) return true;
      if (rule.types === "omit") return false;
      (param as Node).required = false;
      return true;
    });
  };
  const paths = (copy.paths ?? {}) as Record<string, Node>;
  for (const [path, item] of Object.entries(paths)) {
    if (!item || typeof item !== "object") continue;
    if ("parameters" in item) item.parameters = rewriteList(item.parameters);
    for (const method of METHODS) {
      const operation = item[method] as Node | undefined;
      if (!operation || typeof operation !== "object") continue;
      if ("parameters" in operation) operation.parameters = rewriteList(operation.parameters);
      const fields = rules.bodyFields.filter((field) => field.applies(method.toUpperCase(), path));
      if (fields.length)
        relaxBody(
          operation.requestBody,
          fields.map((field) => field.name),
          components.schemas ?? {},
        );
    }
  }
  return copy as T;
}

/** Drops `fields` from the `required` lists of a request body's schemas (followed through local refs and allOf). */
function relaxBody(requestBody: unknown, fields: readonly string[], schemas: Record<string, Node>): void {
  const content = (requestBody as Node | undefined)?.content as Record<string, Node> | undefined;
  const seen = new Set<unknown>();
  const visit = (schema: unknown): void => {
    if (!schema || typeof schema !== "object" || seen.has(schema)) return;
    seen.add(schema);
    const node = schema as Node;
    if (typeof node.$ref === "string" && node.$ref.startsWith(COMPONENT_SCHEMA)) {
      visit(schemas[node.$ref.slice(COMPONENT_SCHEMA.length)]);
      return;
    }
    if (Array.isArray(node.required)) node.required = node.required.filter((name) => !fields.includes(String(name)));
    if (Array.isArray(node.allOf)) for (const part of node.allOf) visit(part);
  };
  for (const media of Object.values(content ?? {})) visit(media?.schema);
}
