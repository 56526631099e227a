/**
 * Type-checks every block module in one TypeScript program (the repository's strict settings) and
 * emits them as JavaScript with source maps. Diagnostics are reported at their README line.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import type { BlockModule, SourceLine } from "./block-module.js";

export interface CompiledModule {
  /** The emitted JavaScript file to run. */
  js: string;
  /** The module's TypeScript file (what source-mapped stack traces name). */
  ts: string;
  /** Type errors, each starting with `README:line`. */
  errors: string[];
}

/**
 * Writes `modules` (name → module) under `dir` and compiles them. `dir` must lie inside a package
 * whose node_modules resolves the imports, and under a `"type": "module"` package.json.
 */
export function compileModules(
  dir: string,
  modules: ReadonlyMap<string, BlockModule>,
  baseConfig: string,
): Map<string, CompiledModule> {
  rmSync(dir, { recursive: true, force: true });
  const srcDir = join(dir, "src");
  const outDir = join(dir, "out");
  mkdirSync(srcDir, { recursive: true });
  const files = new Map<string, string>();
  for (const [name, module] of modules) {
    const file = join(srcDir, `${name}.ts`);
    writeFileSync(file, module.source);
    files.set(file, name);
  }

  const read = ts.readConfigFile(baseConfig, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    rootDir: srcDir,
    outDir,
    noEmit: false,
    declaration: false,
    sourceMap: true,
    types: ["node"],
  };
  const program = ts.createProgram([...files.keys()], options);
  program.emit();

  const result = new Map<string, CompiledModule>();
  for (const [file, name] of files) {
    const module = modules.get(name) as BlockModule;
    const source = program.getSourceFile(file);
    const diagnostics = source ? ts.getPreEmitDiagnostics(program, source) : [];
    result.set(name, {
      js: join(outDir, `${name}.js`),
      ts: file,
      errors: diagnostics.map((d) => describeDiagnostic(d, module.origins)),
    });
  }
  const global = program.getGlobalDiagnostics().concat(program.getOptionsDiagnostics());
  if (global.length) throw new Error(global.map((d) => describeDiagnostic(d, [])).join("\n"));
  return result;
}

function describeDiagnostic(diagnostic: ts.Diagnostic, origins: readonly (SourceLine | undefined)[]): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const origin = origins[line];
  const where = origin ? `${origin.readme}:${origin.line}:${character + 1}` : `(generated line ${line + 1})`;
  return `${where} TS${diagnostic.code}: ${message}`;
}
