/**
 * Test helpers: temporary workspaces under packages/codegen/.tmp (so generated packages resolve
 * @brokerkit/middleware and openapi-fetch through this package's node_modules), and a strict
 * TypeScript compile of a generated package.
 */
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const fixturesDir = join(packageRoot, "test", "fixtures");

export interface TempWorkspace {
  root: string;
  specsDir: string;
  packagesDir: string;
  dispose(): void;
}

export function tempWorkspace(fixtures: string[] = []): TempWorkspace {
  const root = join(packageRoot, ".tmp", `ws-${randomUUID().slice(0, 8)}`);
  const specsDir = join(root, "specs");
  mkdirSync(specsDir, { recursive: true });
  for (const name of fixtures) cpSync(join(fixturesDir, name), join(specsDir, name), { recursive: true });
  return {
    root,
    specsDir,
    packagesDir: join(root, "packages"),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The project's strict settings (tsconfig.base.json), compiled to ESM. */
export function strictOptions(outDir?: string, declaration = true): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    types: ["node"],
    ...(outDir ? { outDir, declaration } : { noEmit: true }),
  };
}

/** Compiles `files` with strict settings; returns formatted diagnostics (empty when clean). */
export function compile(files: string[], outDir?: string, declaration = true): string[] {
  const program = ts.createProgram(files, strictOptions(outDir, declaration));
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (outDir && diagnostics.length === 0) diagnostics.push(...program.emit().diagnostics);
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
  });
}
