#!/usr/bin/env node
/**
 * The CommonJS half of every published package's dual build. `tsc` emits the ESM build
 * (dist/**\/*.js + .d.ts); this script writes a CommonJS copy next to each file (.cjs + .d.cts),
 * so `exports` can offer `import` and `require` each a build of its own format, with types that
 * say the truth under every TypeScript resolution mode (node10, node16 CJS/ESM, nodenext, bundler).
 *
 * Why a transpiled copy rather than a second `tsc`: the ESM output is already type-checked, and a
 * second program over the generated types would double the build time. TypeScript's own
 * `transpileModule` does the ESM → CJS rewrite (dynamic `import()` becomes a lazy `require`).
 *
 * Specifiers: relative `./x.js` become `./x.cjs` (and `.d.cts` refer to `.d.cts`), so each format
 * stays within its own files. Bare and `#` specifiers are left alone: they resolve through the
 * packages' `exports` / `imports` maps with the `require` condition, so an `imports` entry such as
 * `"#transport": { "node": …, "default": … }` keeps choosing by condition in both builds (give the
 * conditions nested `require` / `default` targets to point the CJS build at the `.cjs` copies).
 *
 * Usage (from a package directory): node ../../scripts/dual-build.mjs [distDir]
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

const RELATIVE_JS = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.js\2/g;

/** `./x.js` → `./x.cjs` in import/export/require/import() specifiers. */
export function toCjsSpecifiers(text) {
  return text.replace(RELATIVE_JS, (_whole, lead, quote, path) => `${lead}${quote}${path}.cjs${quote}`);
}

/** One ESM module (tsc's output) as CommonJS. */
export function esmToCjs(text, fileName) {
  const source = toCjsSpecifiers(text).replaceAll(
    "import.meta.url",
    'require("node:url").pathToFileURL(__filename).href',
  );
  const { outputText, diagnostics } = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
      verbatimModuleSyntax: false,
    },
  });
  if (diagnostics?.length) {
    const first = ts.flattenDiagnosticMessageText(diagnostics[0].messageText, "\n");
    throw new Error(`${fileName}: cannot transpile to CommonJS: ${first}`);
  }
  return outputText;
}

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

export async function dualBuild(distDir) {
  let count = 0;
  for await (const path of files(distDir)) {
    if (path.endsWith(".d.ts")) {
      await writeFile(path.replace(/\.d\.ts$/, ".d.cts"), toCjsSpecifiers(await readFile(path, "utf8")));
      count++;
    } else if (path.endsWith(".js")) {
      await writeFile(path.replace(/\.js$/, ".cjs"), esmToCjs(await readFile(path, "utf8"), path));
      count++;
    }
  }
  return count;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const distDir = resolve(process.argv[2] ?? "dist");
  await dualBuild(distDir);
}
