/**
 * Turns one README block into a TypeScript module: the imports of the README's earlier setup blocks
 * and of the block (each binding once), then the setup code at top level, then the block's code in
 * its own `{ … }` scope, so a block may reuse a name its setup declared. Every line of the module
 * remembers which README line it came from, to report errors where the reader sees them.
 */
import ts from "typescript";
import type { ReadmeBlock } from "./readme-blocks.js";

export interface SourceLine {
  readme: string;
  line: number;
}

export interface BlockModule {
  source: string;
  /** For each 0-based line of `source`, the README line it came from (none for glue lines). */
  origins: (SourceLine | undefined)[];
}

interface Part {
  block: ReadmeBlock;
  /** The block's code with its import declarations blanked out (line numbers kept). */
  body: string;
  imports: { text: string; line: number }[];
}

export function blockModule(block: ReadmeBlock, setups: readonly ReadmeBlock[]): BlockModule {
  const parts = [...setups, block].map(splitImports);
  const out = new ModuleWriter();
  const bound = new Set<string>();
  for (const part of parts) {
    for (const declaration of part.imports) {
      if (bound.has(declaration.text)) continue;
      bound.add(declaration.text);
      out.push(declaration.text, { readme: part.block.readme, line: declaration.line });
    }
  }
  for (const part of parts) {
    const scoped = part.block === block && block.kind !== "setup";
    if (scoped) out.push("{", undefined);
    part.body.split("\n").forEach((text, i) => {
      out.push(text, { readme: part.block.readme, line: part.block.line + 1 + i });
    });
    if (scoped) out.push("}", undefined);
  }
  out.push("export {};", undefined);
  return out.result();
}

class ModuleWriter {
  private readonly lines: string[] = [];
  private readonly origins: (SourceLine | undefined)[] = [];

  push(text: string, origin: SourceLine | undefined): void {
    this.lines.push(text);
    this.origins.push(origin);
  }

  result(): BlockModule {
    return { source: `${this.lines.join("\n")}\n`, origins: this.origins };
  }
}

/**
 * Splits a block into its import declarations, one normalised declaration per binding (so two blocks
 * importing the same name from the same module bind it once), and the rest of its code.
 */
function splitImports(block: ReadmeBlock): Part {
  const file = ts.createSourceFile("block.ts", block.code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: Part["imports"] = [];
  let body = block.code;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const line = block.line + 1 + file.getLineAndCharacterOfPosition(statement.getStart(file)).line;
    for (const text of importBindings(statement, file)) imports.push({ text, line });
    const start = statement.getStart(file);
    const end = statement.getEnd();
    body = body.slice(0, start) + block.code.slice(start, end).replace(/[^\n]/g, " ") + body.slice(end);
  }
  return { block, body, imports };
}

function importBindings(statement: ts.ImportDeclaration, file: ts.SourceFile): string[] {
  const from = statement.moduleSpecifier.getText(file);
  const clause = statement.importClause;
  if (!clause) return [`import ${from};`];
  const typeOnly = clause.isTypeOnly ? "type " : "";
  const bindings: string[] = [];
  if (clause.name) bindings.push(`import ${typeOnly}${clause.name.text} from ${from};`);
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) bindings.push(`import ${typeOnly}* as ${named.name.text} from ${from};`);
  if (named && ts.isNamedImports(named)) {
    for (const element of named.elements) {
      const type = typeOnly || element.isTypeOnly ? "type " : "";
      const renamed = element.propertyName ? `${element.propertyName.getText(file)} as ` : "";
      bindings.push(`import ${type}{ ${renamed}${element.name.text} } from ${from};`);
    }
  }
  return bindings;
}
