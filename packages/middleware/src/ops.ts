/**
 * The runtime of the generated `ops` facade: one table from operationId to the operation's index in the
 * config's operation list (and what the flat argument object holds), and one Proxy that turns a property
 * read into a call of the client's own method, so the facade costs a table, not a function per operation.
 */
import type { OperationEntry } from "./config.js";

/**
 * operationId → index into `config.operations` (flat arguments, no header parameters), or
 * `[index, ...headerNames]` (flat, these keys go to headers), or `[index, 0]` (openapi-fetch's nested shape).
 */
export type OpsTable = Readonly<Record<string, number | readonly [number, ...(string | 0)[]]>>;

type Call = (path: string, init?: Record<string, unknown>) => Promise<unknown>;
type OpFunction = (args?: Record<string, unknown>, init?: Record<string, unknown>) => Promise<unknown>;

const PATH_PARAM = /\{([^}]+)\}/g;

export function createOps(
  client: Readonly<Record<string, unknown>>,
  operations: readonly OperationEntry[],
  table: OpsTable,
): Record<string, OpFunction> {
  const made = new Map<string, OpFunction>();
  const build = (name: string): OpFunction | undefined => {
    if (!Object.hasOwn(table, name)) return undefined;
    const entry = table[name] as OpsTable[string];
    const [index, ...rest] = typeof entry === "number" ? [entry] : entry;
    const operation = operations[index];
    if (!operation) return undefined;
    const [method, template] = operation;
    const call = (path: string, init: Record<string, unknown>) => (client[method] as Call)(path, init);
    if (rest[0] === 0) return (args = {}, init = {}) => call(template, { ...init, ...args });
    const pathNames = new Set([...template.matchAll(PATH_PARAM)].map((m) => m[1] as string));
    const headerNames = new Set(rest as string[]);
    return (args = {}, init = {}) => {
      const path: Record<string, unknown> = {};
      const query: Record<string, unknown> = {};
      const header: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(args)) {
        if (key === "body") continue;
        (pathNames.has(key) ? path : headerNames.has(key) ? header : query)[key] = value;
      }
      return call(template, {
        ...init,
        params: { path, query, header },
        ...("body" in args ? { body: args.body } : {}),
      });
    };
  };
  return new Proxy({} as Record<string, OpFunction>, {
    get: (_, name) => {
      if (typeof name !== "string") return undefined;
      let op = made.get(name);
      if (!op) {
        op = build(name);
        if (op) made.set(name, op);
      }
      return op;
    },
    has: (_, name) => typeof name === "string" && Object.hasOwn(table, name),
    ownKeys: () => Object.keys(table),
    getOwnPropertyDescriptor: (_, name) =>
      typeof name === "string" && Object.hasOwn(table, name)
        ? { enumerable: true, configurable: true, writable: false, value: build(name) }
        : undefined,
  });
}
