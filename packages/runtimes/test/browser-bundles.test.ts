/**
 * Browsers and edge runtimes: every entry of the broker packages, the middleware and the stream
 * runtime bundles with `esbuild --platform=browser` and no shims, so no static import reaches a
 * `node:` built-in. Node-only entries (src/entries.ts NODE_ONLY) are left out on purpose.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_DIR } from "../src/cells.js";
import { NODE_ONLY, publishedPackages } from "../src/entries.js";

const esbuild = join(createRequire(import.meta.url).resolve("esbuild/package.json"), "../bin/esbuild");
const browserEntries = publishedPackages()
  .flatMap((pkg) => pkg.entries)
  .filter((entry) => !NODE_ONLY.has(entry) && !NODE_ONLY.has(entry.split("/").slice(0, 2).join("/")));

describe("esbuild --platform=browser, no shims", () => {
  it("covers every broker entry", () => {
    expect(browserEntries).toEqual(
      expect.arrayContaining([
        "@brokerkit/alor",
        "@brokerkit/alor/streams",
        "@brokerkit/alpaca",
        "@brokerkit/alpaca/trading",
        "@brokerkit/alpaca/market-data",
        "@brokerkit/alpaca/broker",
        "@brokerkit/saxo",
        "@brokerkit/middleware",
      ]),
    );
  });

  for (const entry of browserEntries) {
    it(entry, () => {
      const outfile = join(PACKAGE_DIR, ".tmp", "bundles", `${entry.replaceAll("/", "+")}.js`);
      const metafile = `${outfile}.meta.json`;
      const result = spawnSync(
        esbuild,
        [
          entry,
          "--bundle",
          "--platform=browser",
          "--format=esm",
          `--outfile=${outfile}`,
          `--metafile=${metafile}`,
          "--log-level=error",
        ],
        { cwd: PACKAGE_DIR, encoding: "utf8", timeout: 120_000 },
      );
      expect(result.stderr, `esbuild ${entry}`).toBe("");
      expect(result.status).toBe(0);
      const inputs = Object.keys(JSON.parse(readFileSync(metafile, "utf8")).inputs as object);
      expect(inputs.filter((input) => /(^|:)node:|file-cache|file-lock/.test(input))).toEqual([]);
    });
  }
});
