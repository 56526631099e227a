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
 * Install size: each declaration is shipped once. The full declarations are the .d.cts files;
 * an entry's .d.ts (the `import` condition's types) is a one-line re-export of its .d.cts (ESM may
 * import CommonJS declarations; the reverse is what TypeScript's node16 refuses), and the other
 * .d.ts files are removed. Declarations and the JavaScript of both builds are re-indented with a tab
 * per level, and the JavaScript loses its comments (the declarations keep their JSDoc for editors, but
 * not the module header comments written for the source's maintainers).
 *
 * Usage (from a package directory): node ../../scripts/dual-build.mjs [distDir]
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
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
      removeComments: true,
      verbatimModuleSyntax: false,
    },
  });
  if (diagnostics?.length) {
    const first = ts.flattenDiagnosticMessageText(diagnostics[0].messageText, "\n");
    throw new Error(`${fileName}: cannot transpile to CommonJS: ${first}`);
  }
  return outputText;
}

/** The same ESM module without comments (tsc keeps them; nobody reads shipped JavaScript's prose). */
export function stripComments(text, fileName) {
  return ts.transpileModule(text, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      allowJs: true,
      removeComments: true,
    },
  }).outputText;
}

/**
 * The declarations without the module's header comment. tsc keeps a source file's leading comment when
 * the first statement survives into the declarations (a type import): it explains the module to its
 * maintainers, not a type to its users. Only a comment directly followed by an import is a header: the
 * JSDoc of a declaration is followed by that declaration, and stays.
 */
export function withoutModuleHeader(text) {
  return text.replace(/^\/\*\*[\s\S]*?\*\/\n(?=import[\s{*])/, "");
}

/** tsc indents by four spaces; a tab per level carries the same structure in a quarter of the room. */
export function reindent(text) {
  return text.replace(/^((?: {4})+)/gm, (indent) => "\t".repeat(indent.length / 4));
}

/**
 * Declarations with each innermost block (members only: no nested braces, no comments) on one line when
 * it fits in `width` columns: `parameters: { query?: never; path: { id: string; }; };` instead of eight
 * lines. Newlines carry no meaning in a declaration file; JSDoc'd members keep their own lines.
 */
export function compactDeclarations(text, width = 120) {
  let lines = text.split("\n");
  for (let pass = 0; pass < 8; pass++) {
    const out = [];
    let joined = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const block = /\{$/.test(line) && !/^\s*(\*|\/\/|\/\*)/.test(line) ? leafBlock(lines, i) : undefined;
      if (block && block.text.length <= width) {
        out.push(block.text);
        i = block.end;
        joined++;
      } else out.push(line);
    }
    lines = out;
    if (joined === 0) break;
  }
  return lines.join("\n");
}

/** The block opened at `lines[start]` as one line, if every line inside is a plain member one level deeper. */
function leafBlock(lines, start) {
  const indent = lines[start].length - lines[start].trimStart().length;
  const members = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const depth = line.length - line.trimStart().length;
    if (depth === indent && /^\s*\}/.test(line)) {
      if (members.length === 0) return undefined;
      return { text: `${lines[start]} ${members.join(" ")} ${line.trim()}`, end: i };
    }
    if (depth !== indent + 1 || /[{}`]|\/\/|\/\*|\*\//.test(line)) return undefined;
    members.push(line.trim());
  }
  return undefined;
}

/**
 * The same for JavaScript (TypeScript's printer also indents by four), except on lines that begin inside
 * a string, template or regular expression literal: their leading spaces are part of a value.
 */
export function reindentCode(text, fileName) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const literals = [];
  const visit = (node) => {
    if (ts.isLiteralExpression(node) || ts.isTemplateLiteralToken(node)) {
      literals.push([node.getStart(source), node.end]);
      return;
    }
    ts.forEachChild(node, visit);
    if (ts.isTemplateExpression(node)) {
      literals.push([node.head.getStart(source), node.head.end]);
      for (const span of node.templateSpans) literals.push([span.literal.getStart(source), span.literal.end]);
    }
  };
  visit(source);
  const insideLiteral = (offset) => literals.some(([start, end]) => start < offset && offset < end);
  let offset = 0;
  return text
    .split("\n")
    .map((line) => {
      const start = offset;
      offset += line.length + 1;
      return insideLiteral(start) ? line : reindent(line);
    })
    .join("\n");
}

/** The `import` condition's declaration files of the package's entries and `imports` targets (absolute paths). */
async function entryDeclarations(distDir) {
  const manifest = JSON.parse(await readFile(join(distDir, "..", "package.json"), "utf8"));
  const found = new Set();
  const visit = (value, condition) => {
    if (typeof value === "string") {
      if (condition === "types" && value.endsWith(".d.ts")) found.add(resolve(distDir, "..", value));
      return;
    }
    if (value && typeof value === "object") for (const [key, child] of Object.entries(value)) visit(child, key);
  };
  visit(manifest.exports, undefined);
  // `#…` imports (e.g. the middleware's `#default-fetch`) are resolved by TypeScript from source too.
  visit(manifest.imports, undefined);
  return found;
}

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

export async function dualBuild(distDir) {
  const entries = await entryDeclarations(distDir);
  let count = 0;
  for await (const path of files(distDir)) {
    if (path.endsWith(".d.ts")) {
      const text = await readFile(path, "utf8");
      const stub = `export * from "./${basename(path, ".d.ts")}.cjs";\n`;
      if (text === stub) continue; // already done (a second run over the same build)
      if (entries.has(path) && /^export default /m.test(text)) {
        throw new Error(`${path}: an entry with a default export cannot re-export its .d.cts; use named exports`);
      }
      const declarations = compactDeclarations(reindent(toCjsSpecifiers(withoutModuleHeader(text))));
      await writeFile(path.replace(/\.d\.ts$/, ".d.cts"), declarations);
      if (entries.has(path)) await writeFile(path, stub);
      else await rm(path);
      count++;
    } else if (path.endsWith(".js")) {
      const text = await readFile(path, "utf8");
      await writeFile(path.replace(/\.js$/, ".cjs"), reindentCode(esmToCjs(text, path), path));
      await writeFile(path, reindentCode(stripComments(text, path), path));
      count++;
    }
  }
  return count;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const distDir = resolve(process.argv[2] ?? "dist");
  await dualBuild(distDir);
}
