/**
 * One esbuild bundle of an entry text, measured: the settings every row of the bundle suite shares, and
 * the ones CI's size budget uses (scripts/size-budget.mjs): code splitting on, so what the code loads with
 * `import()` (tough-cookie for sticky sessions, a login's second half, an event stream's loop) lands in
 * chunks of its own. Up front = the entry's chunk and the chunks it imports statically; in all = every
 * chunk it can reach. Each chunk is gzipped on its own, as it would be served.
 */
import { builtinModules } from "node:module";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

const BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export interface Size {
  /** What loads up front. */
  minBytes: number;
  gzipBytes: number;
  /** With every chunk the entry can load later (its `import()`s) too. */
  all: { minBytes: number; gzipBytes: number };
  /** Node built-ins the bundle imports (left external). */
  builtins: string[];
}

export async function bundle(source: string, resolveDir: string, external: string[]): Promise<Size> {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: [...BUILTINS, ...external],
    outdir: "out",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const sizes = new Map<string, { minBytes: number; gzipBytes: number }>();
  for (const file of result.outputFiles) {
    sizes.set(file.path.slice(file.path.lastIndexOf("/out/") + 1), {
      minBytes: file.contents.byteLength,
      gzipBytes: gzipSync(file.contents, { level: 9 }).byteLength,
    });
  }
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined) as string;
  const sum = (paths: Set<string>) => {
    let minBytes = 0;
    let gzipBytes = 0;
    for (const path of paths) {
      minBytes += sizes.get(path)?.minBytes ?? 0;
      gzipBytes += sizes.get(path)?.gzipBytes ?? 0;
    }
    return { minBytes, gzipBytes };
  };
  const imports = Object.values(outputs).flatMap((output) => output.imports);
  const builtins = [...new Set(imports.filter((i) => i.external && BUILTINS.includes(i.path)).map((i) => i.path))];
  return {
    ...sum(reach(outputs, entry, ["import-statement"])),
    all: sum(reach(outputs, entry, ["import-statement", "dynamic-import"])),
    builtins: builtins.sort(),
  };
}

/**
 * The chunks `from` imports in the given ways, transitively. (esbuild emits a chunk for every `import()` it
 * parsed, even in code it then dropped: only those the entry can reach count.)
 */
function reach(
  outputs: Metafile["outputs"],
  from: string,
  kinds: readonly string[],
  seen = new Set<string>(),
): Set<string> {
  if (seen.has(from) || !outputs[from]) return seen;
  seen.add(from);
  for (const item of outputs[from].imports) {
    if (!item.external && kinds.includes(item.kind)) reach(outputs, item.path, kinds, seen);
  }
  return seen;
}
