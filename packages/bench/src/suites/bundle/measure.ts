/** One esbuild bundle of an entry text, measured: the settings every row of the bundle suite shares. */
import { builtinModules } from "node:module";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export interface Size {
  minBytes: number;
  gzipBytes: number;
  /** Node built-ins the bundle imports (left external). */
  builtins: string[];
}

export async function bundle(source: string, resolveDir: string, external: string[]): Promise<Size> {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: [...BUILTINS, ...external],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
  const builtins = [...new Set(imports.filter((i) => i.external && BUILTINS.includes(i.path)).map((i) => i.path))];
  return { minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, builtins: builtins.sort() };
}
