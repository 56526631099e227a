/**
 * The `ops` facade of one API: a table (operationId → index into the config's operation list) that the
 * middleware's one Proxy turns into calls, and an interface with one JSDoc'd method per operation, so an
 * editor shows the spec's summary and description on hover. See OpsTable and FlatArgs in @brokerkit/middleware.
 */
import type { NamedOperation } from "../spec/named-operations.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function emitOps(stem: string, apiTitle: string, operations: readonly NamedOperation[]): string {
  const key = (id: string) => (IDENTIFIER.test(id) ? id : JSON.stringify(id));
  const entries = operations.map((op) => {
    const value =
      op.shape === "nested"
        ? `[${op.index}, 0]`
        : op.headers.length
          ? `[${[op.index, ...op.headers.map((h) => JSON.stringify(h))].join(", ")}]`
          : String(op.index);
    return `  ${key(op.id)}: ${value},`;
  });
  // Short aliases keep each method one short line (the declarations ship to every install) and read
  // well on hover: `getAccount(...args: Args<"getAccount">): Result<"getAccount", false>`.
  const methods = operations.flatMap((op) => {
    const id = JSON.stringify(op.id);
    const args = op.shape === "flat" ? `Args<${id}>` : `NestedArgsOf<${id}>`;
    return [...jsDoc(op), `  ${key(op.id)}(...args: ${args}): Result<${id}, Throws>;`];
  });
  const uses = new Set(["OpsTable"]);
  const aliases: string[] = [];
  if (operations.length) {
    uses.add("OpArgs").add("OpResult");
    if (operations.some((op) => op.shape === "flat")) {
      uses.add("FlatArgs");
      aliases.push("type Args<Id extends keyof operations> = OpArgs<FlatArgs<operations[Id]>>;");
    }
    if (operations.some((op) => op.shape === "nested")) {
      uses.add("NestedArgs");
      aliases.push("type NestedArgsOf<Id extends keyof operations> = OpArgs<NestedArgs<operations[Id]>>;");
    }
    aliases.push(
      "type Result<Id extends keyof operations, Throws extends boolean> = OpResult<operations[Id], Throws>;",
    );
  }
  return [
    `import type { ${[...uses].sort().join(", ")} } from "@brokerkit/middleware";`,
    ...(operations.length ? ['import type { operations } from "./types.js";'] : []),
    "",
    ...(aliases.length ? [...aliases, ""] : []),
    "/** operationId → the operation's index in `config.operations` (and its header parameters, or 0 for `{ params, body }`). */",
    `export const opsTable: OpsTable = {`,
    ...entries,
    "};",
    "",
    "/**",
    ` * The operations of the ${apiTitle} by operationId: \`client.ops.<operationId>(args?, init?)\`. \`args\` merges`,
    " * the path, query and header parameters, with the request body under `body`; an operation whose names",
    " * collide across locations takes `{ params: { path, query, header }, body }` instead. Results are those of",
    " * the path calls; with `throwOnError: true` a non-2xx answer throws and `data` is always there.",
    " */",
    `export interface ${stem}Ops<Throws extends boolean = false> {`,
    ...methods,
    "}",
    "",
  ].join("\n");
}

function jsDoc(op: NamedOperation): string[] {
  const route = `\`${op.method} ${op.template.replace(/\*\//g, "*\\/")}\``;
  const summary = op.summary?.trim().replace(/\*\//g, "*\\/");
  // The common case on one line: the summary and the route, as an editor shows them on hover.
  if (summary && !summary.includes("\n") && !op.description && !op.deprecated)
    return [`  /** ${summary} (${route}) */`];
  const text = (value: string) =>
    value
      .trim()
      .replace(/\*\//g, "*\\/")
      .split(/\r?\n/)
      .map((line) => `   * ${line}`.trimEnd());
  const lines = [
    ...(op.summary ? text(op.summary) : []),
    ...(op.summary && op.description ? ["   *"] : []),
    ...(op.description ? text(op.description) : []),
    ...(op.summary || op.description ? ["   *"] : []),
    `   * ${route}`,
    ...(op.deprecated ? ["   * @deprecated The spec marks this operation deprecated."] : []),
  ];
  return ["  /**", ...lines, "   */"];
}
