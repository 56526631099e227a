/**
 * `require()` and `import` of every public entry of every published package, on Node 20 (this
 * process), 22 and 24: both must load, from the format's own build (.cjs for require, .js for
 * import), with the same export names. The dual build's `imports` handling is proven on a fixture.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { dualBuild, withoutModuleHeader } from "../../../scripts/dual-build.mjs";
import { CLIENTS, PACKAGE_DIR } from "../src/cells.js";
import { publishedPackages } from "../src/entries.js";
import { runtimeBinary } from "../src/runtimes.js";

const NODES = [
  ["20", async () => process.execPath],
  ["22", () => runtimeBinary("node-22")],
  ["24", () => runtimeBinary("node-24")],
] as const;

const entries = publishedPackages().flatMap((pkg) => pkg.entries);

interface Loaded {
  require?: string[];
  import?: string[];
  requireError?: string;
  importError?: string;
  format: { require: string };
}

/** Runs the loader script found in `cwd` (it resolves the specifiers from where it lies). */
function load(node: string, cwd: string, specifiers: string[]): Record<string, Loaded> {
  const result = spawnSync(node, [join(cwd, "load-entries.cjs"), JSON.stringify(specifiers)], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`node ${node} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}");
}

describe("every public entry loads with require() and import", () => {
  it("covers the published packages' entries", () => {
    expect(entries).toEqual(
      expect.arrayContaining([
        "@brokerkit/middleware",
        "@brokerkit/middleware/file-cache",
        "@brokerkit/alpaca/trading",
        "@brokerkit/alor/streams",
        "@brokerkit/saxo",
        "@brokerkit/stream/alor",
        "@brokerkit/redis",
        "@brokerkit/codegen",
      ]),
    );
  });

  for (const [major, binary] of NODES) {
    it(`Node ${major}: the same exports either way, require() from the .cjs build`, async () => {
      const loaded = load(await binary(), CLIENTS, entries);
      for (const entry of entries) {
        const result = loaded[entry];
        expect(result?.requireError, `${entry} require`).toBeUndefined();
        expect(result?.importError, `${entry} import`).toBeUndefined();
        expect(result?.require?.length, `${entry} exports`).toBeGreaterThan(0);
        expect(result?.require, `${entry}: require and import export the same names`).toEqual(result?.import);
        expect(result?.format.require, `${entry} require resolves to the CommonJS build`).toMatch(/\.cjs$/);
      }
    });
  }
});

describe("scripts/dual-build.mjs keeps package.json `imports` conditions working", () => {
  const fixture = join(PACKAGE_DIR, ".tmp", "imports-fixture");
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  /** A package whose entry imports `#transport`, chosen by condition (as a Node-only default transport would be). */
  async function makeFixture(imports: unknown): Promise<void> {
    rmSync(fixture, { recursive: true, force: true });
    const dist = join(fixture, "node_modules", "fixture", "dist");
    mkdirSync(dist, { recursive: true });
    writeFileSync(
      join(fixture, "node_modules", "fixture", "package.json"),
      JSON.stringify({
        name: "fixture",
        type: "module",
        exports: {
          ".": {
            import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
            require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
          },
        },
        imports,
      }),
    );
    writeFileSync(join(dist, "index.js"), 'export { transport } from "#transport";\nexport * from "./shared.js";\n');
    writeFileSync(join(dist, "shared.js"), 'export const shared = "shared";\n');
    writeFileSync(join(dist, "transport-node.js"), 'export const transport = "node";\n');
    writeFileSync(join(dist, "transport-web.js"), 'export const transport = "web";\n');
    await dualBuild(dist);
    copyFileSync(join(CLIENTS, "load-entries.cjs"), join(fixture, "load-entries.cjs"));
  }

  const shapes = {
    "conditions with nested require/default targets": {
      "#transport": {
        node: { require: "./dist/transport-node.cjs", default: "./dist/transport-node.js" },
        default: { require: "./dist/transport-web.cjs", default: "./dist/transport-web.js" },
      },
    },
    "flat node/default conditions (require() then loads the ESM file, as Node 20.19+ allows)": {
      "#transport": { node: "./dist/transport-node.js", default: "./dist/transport-web.js" },
    },
  };

  for (const [shape, imports] of Object.entries(shapes)) {
    it(shape, async () => {
      await makeFixture(imports);
      for (const [major, binary] of NODES) {
        const node = await binary();
        const loaded = load(node, fixture, ["fixture"]).fixture;
        expect(loaded?.requireError, `Node ${major} require`).toBeUndefined();
        expect(loaded?.importError, `Node ${major} import`).toBeUndefined();
        expect(loaded?.require, `Node ${major}`).toEqual(["shared", "transport"]);
        const picked = spawnSync(node, ["-p", 'require("fixture").transport'], { cwd: fixture, encoding: "utf8" });
        expect(picked.stdout.trim(), `Node ${major} picks the node condition under require`).toBe("node");
      }
    });
  }
});

describe("scripts/dual-build.mjs re-indents code without touching values", () => {
  const fixture = join(PACKAGE_DIR, ".tmp", "reindent-fixture");
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it("tab indents in both builds; multi-line template and string literals keep their spaces", async () => {
    rmSync(fixture, { recursive: true, force: true });
    const dist = join(fixture, "node_modules", "indented", "dist");
    mkdirSync(dist, { recursive: true });
    writeFileSync(
      join(fixture, "node_modules", "indented", "package.json"),
      JSON.stringify({
        name: "indented",
        type: "module",
        exports: { ".": { import: "./dist/index.js", require: "./dist/index.cjs" } },
      }),
    );
    const value = "a\n    b 1\n        c\n    d";
    // As tsc prints it: four spaces per level, and literals whose lines start with spaces.
    writeFileSync(
      join(dist, "index.js"),
      [
        "export function text(n) {",
        "    if (n) {",
        "        return `a",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is JavaScript source with a template literal
        "    b ${n}",
        "        c` + '\\n\\",
        "    d';",
        "    }",
        "    return '';",
        "}",
        "",
      ].join("\n"),
    );
    await dualBuild(dist);
    const esm = readFileSync(join(dist, "index.js"), "utf8");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expected JavaScript source, placeholder included
    expect(esm).toContain("\n\tif (n) {\n\t\treturn `a\n    b ${n}\n        c`");
    const script =
      'const { text } = require("indented"); import("indented").then((m) => console.log(JSON.stringify([text(1), m.text(1)])))';
    const run = spawnSync(process.execPath, ["-e", script], { cwd: fixture, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual([value, value]);
  });
});

describe("scripts/dual-build.mjs ships declarations without module header comments", () => {
  it("drops a leading comment followed by an import; keeps every declaration's JSDoc", () => {
    const header = "/**\n * Why this module exists, for its maintainers.\n */\n";
    const body = 'import type { A } from "./a.js";\n/** The JSDoc of b. */\nexport declare function b(a: A): void;\n';
    expect(withoutModuleHeader(header + body)).toBe(body);
    const documented = "/** The JSDoc of c, the first declaration. */\nexport declare const c: number;\n";
    expect(withoutModuleHeader(documented)).toBe(documented);
    const reExport = '/** The JSDoc of a re-export. */\nexport { d } from "./d.js";\n';
    expect(withoutModuleHeader(reExport)).toBe(reExport);
  });
});
