import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkContents, checkDependencies, checkManifest, checkSourceMapReferences } from "../src/checks.js";
import { nerfDart, redact } from "../src/npmrc.js";
import { readTarball, type TarballFiles } from "../src/tarball.js";

const expectations = {
  nodeRange: "^20.11.0 || ^24.0.0",
  forbiddenDependencies: ["@brokerkit/codegen", "@brokerkit/alor", "@brokerkit/testing"],
};
const messages = (problems: { message: string }[]) => problems.map((p) => p.message);
const files = (entries: Record<string, string>): TarballFiles =>
  new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));

describe("checkContents", () => {
  it("accepts dist, README, LICENSE and package.json", () => {
    expect(
      checkContents(["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"], expectations),
    ).toEqual([]);
  });

  it("names tests, fixtures, simulators, sources, source maps and a missing LICENSE", () => {
    const found = messages(
      checkContents(
        [
          "package.json",
          "src/index.ts",
          "dist/index.js.map",
          "dist/client.test.js",
          "dist/testing/alor.js",
          "test/fixtures/a.yaml",
        ],
        expectations,
      ),
    );
    expect(found).toEqual([
      "src/index.ts is not dist, README, LICENSE or package.json",
      "dist/index.js.map: source maps point at sources that are not shipped",
      "dist/client.test.js looks like a test, fixture or simulator",
      "dist/testing/alor.js looks like a test, fixture or simulator",
      "test/fixtures/a.yaml is not dist, README, LICENSE or package.json",
      "LICENSE is missing",
    ]);
  });

  it("allows a package's declared extra folders", () => {
    expect(
      checkContents(["package.json", "LICENSE", "bin/cli.mjs"], { ...expectations, extraFolders: ["bin"] }),
    ).toEqual([]);
  });

  it("names a sourceMappingURL that points at a file not shipped", () => {
    const found = checkSourceMapReferences(
      files({ "dist/a.js": "x;\n//# sourceMappingURL=a.js.map\n", "dist/b.js": "y;\n" }),
    );
    expect(messages(found)).toEqual(["dist/a.js references a.js.map, which is not shipped"]);
  });
});

describe("checkManifest", () => {
  const good = {
    name: "@brokerkit/alpaca",
    type: "module",
    sideEffects: false,
    license: "MIT",
    engines: { node: expectations.nodeRange },
    repository: { type: "git", url: "git+https://example.invalid/x.git", directory: "packages/alpaca" },
    exports: {
      ".": {
        import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
        require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
      },
    },
    dependencies: { "@brokerkit/middleware": "^0.1.0" },
    devDependencies: { "@brokerkit/codegen": "0.1.0" },
  };

  it("accepts a clean manifest (the generator as a devDependency is fine)", () => {
    expect(checkManifest(good, expectations)).toEqual([]);
  });

  it("names workspace ranges, forbidden dependencies and missing hygiene fields", () => {
    const found = messages(
      checkManifest(
        {
          ...good,
          sideEffects: undefined,
          engines: { node: ">=18" },
          repository: undefined,
          exports: { ".": { import: { default: "./dist/index.js", types: "./dist/index.d.ts" } } },
          dependencies: {
            "@brokerkit/middleware": "workspace:^",
            "@brokerkit/alor": "^0.1.0",
            "@brokerkit/codegen": "^0.1.0",
          },
        },
        expectations,
      ),
    );
    expect(found).toEqual([
      'dependencies.@brokerkit/middleware is still "workspace:^"',
      "dependencies must not include @brokerkit/codegen",
      "dependencies must not include @brokerkit/alor",
      "sideEffects must be false",
      `engines.node is ">=18"; expected "${expectations.nodeRange}" (the Node versions tested)`,
      "repository needs url and directory",
      'exports["."] needs both "import" and "require" conditions',
      'exports["."]["import"] must list "types" first',
    ]);
  });
});

describe("checkDependencies", () => {
  const dir = mkdtempSync(join(tmpdir(), "brokerkit-deps-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A dependency with a peer dependency, as openapi-typescript has typescript.
  mkdirSync(join(dir, "node_modules/gen"), { recursive: true });
  writeFileSync(
    join(dir, "node_modules/gen/package.json"),
    JSON.stringify({ name: "gen", peerDependencies: { tsc: "5" } }),
  );

  it("accepts exactly the imported packages, type-only imports and peers of imported packages included", () => {
    const shipped = files({
      "dist/index.js":
        'import { a } from "gen";\nimport { readFile } from "node:fs/promises";\nexport * from "./b.js";\n',
      "dist/index.d.ts": 'import type { T } from "@scope/types/sub";\nexport declare const x: T;\n',
    });
    const manifest = { name: "me", dependencies: { gen: "1", "@scope/types": "1", tsc: "5" } };
    expect(checkDependencies(manifest, shipped, dir)).toEqual([]);
  });

  it("names an import that is not a dependency and a dependency nothing imports", () => {
    const shipped = files({ "dist/index.js": 'const lib = await import("missing-lib");\n' });
    const found = messages(checkDependencies({ name: "me", dependencies: { "p-throttle": "8" } }, shipped, dir));
    expect(found).toEqual([
      "dist/index.js imports missing-lib, which is not a dependency",
      "p-throttle is a dependency, but no shipped file imports it",
    ]);
  });
});

describe("readTarball", () => {
  const dir = mkdtempSync(join(tmpdir(), "brokerkit-tar-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const longName = `${"nested/".repeat(12)}file-with-a-long-name.js`;
  mkdirSync(join(dir, "package", longName, ".."), { recursive: true });
  writeFileSync(join(dir, "package/package.json"), '{"name":"x"}');
  writeFileSync(join(dir, "package", longName), "export {};\n");

  // ustar splits the long name into its prefix field; gnu uses a long-name entry; pax an extended header.
  it.each(["pax", "gnu", "ustar"])("reads %s archives, long names included", async (format) => {
    const tarball = join(dir, `${format}.tgz`);
    const result = spawnSync("tar", [`--format=${format}`, "-czf", tarball, "-C", dir, "package"], {
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    const read = await readTarball(tarball);
    expect(read.get("package.json")?.toString()).toBe('{"name":"x"}');
    expect(read.get(longName)?.toString()).toBe("export {};\n");
  });
});

describe("npmrc helpers", () => {
  it("files a token under the registry's nerf dart and keeps it out of output", () => {
    expect(nerfDart("http://127.0.0.1:4873")).toBe("//127.0.0.1:4873/");
    expect(nerfDart("https://npm.example.com/repository/npm-private")).toBe(
      "//npm.example.com/repository/npm-private/",
    );
    expect(redact("token abc123 and abc123", ["abc123"])).toBe("token *** and ***");
  });
});
