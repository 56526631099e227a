/** Reads the files of an npm package tarball (gzipped ustar, as `pnpm pack` writes it) without unpacking it. */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

/** Files by path inside the package (the leading `package/` removed). */
export type TarballFiles = Map<string, Buffer>;

export async function readTarball(file: string): Promise<TarballFiles> {
  return parseTarball(gunzipSync(await readFile(file)));
}

export function parseTarball(tar: Buffer): TarballFiles {
  const files: TarballFiles = new Map();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      // PAX extended header: a `path` record overrides the next entry's name.
      longName = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1];
      continue;
    }
    if (type === "L") {
      // GNU long name: the body is the next entry's name.
      longName = body.toString("utf8").replace(/\0.*$/s, "");
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === "0" || type === "" || type === "7") files.set(name.replace(/^[^/]+\//, ""), Buffer.from(body));
  }
  return files;
}
