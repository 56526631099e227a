/**
 * The package around the generated code. package.json has fields the generator owns (name, exports,
 * runtime dependencies, build scripts) merged into whatever the maintainers added (version, extra
 * dependencies, test scripts). Other files are scaffolded once and then belong to the maintainers.
 */
import type { Manifest } from "../manifest/types.js";

export const MIDDLEWARE_RANGE = "workspace:^";
/**
 * The stream runtime: an optional peer of packages whose manifest declares `streams:`, imported only by
 * their `./streams` entry, so that an application that uses REST alone installs no WebSocket code.
 */
export const STREAM_RANGE = "workspace:^";
/** The entry that holds a broker's generated stream factories. */
export const STREAMS_ENTRY = "streams";
/**
 * The cookie jar of the sticky layer: an optional peer of the middleware (loaded lazily), so only
 * packages whose manifest declares `sticky:` install it.
 */
export const TOUGH_COOKIE_VERSION = "6.1.0";
/** Earlier generators added openapi-fetch as a dependency; generated code only imports the middleware. */
export const OPENAPI_FETCH_VERSION = "0.17.0";
/** The Node versions the release end-to-end test runs published packages on (packages/release). */
export const NODE_RANGE = "^20.11.0 || ^22.11.0 || ^24.0.0";

/** tsc emits the ESM build; scripts/dual-build.mjs writes the CommonJS copy (.cjs, .d.cts) beside it. */
export const BUILD_SCRIPT = "tsc -p tsconfig.build.json && node ../../scripts/dual-build.mjs";

type Json = Record<string, unknown>;

/**
 * One entry of the dual build: `import` gets the ESM files and `require` the CommonJS copies, each
 * with its own declarations, so TypeScript's node16/nodenext modes see the format Node will load.
 */
export function dualEntry(file: string): Json {
  return {
    import: { types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` },
    require: { types: `./dist/${file}.d.cts`, default: `./dist/${file}.cjs` },
  };
}

/** `moduleResolution: node10` ignores `exports`: typesVersions points its subpath imports at the CJS types. */
export function node10Subpaths(subpaths: readonly string[]): Json {
  return { "*": Object.fromEntries(subpaths.map((subpath) => [subpath, [`./dist/${subpath}.d.cts`]])) };
}

export function managedPackageJson(manifest: Manifest, brokerDir: string, existing: Json | undefined): Json {
  const apiNames = Object.keys(manifest.apis);
  const exports: Json = { ".": dualEntry("index") };
  const subpaths: string[] = [];
  if (apiNames.length > 1) subpaths.push(...apiNames);
  const hasStreams = Object.keys(manifest.streams ?? {}).length > 0;
  if (hasStreams) subpaths.push(STREAMS_ENTRY);
  for (const subpath of subpaths) exports[`./${subpath}`] = dualEntry(subpath);
  exports["./package.json"] = "./package.json";
  const base = existing ?? {};
  const scripts = (base.scripts as Json | undefined) ?? {};
  const dependencies = { ...((base.dependencies as Json | undefined) ?? {}) };
  // Published packages depend only on what they import: drop the dependency earlier generators managed.
  if (dependencies["openapi-fetch"] === OPENAPI_FETCH_VERSION) delete dependencies["openapi-fetch"];
  // REST users install no WebSocket code: the runtime is an optional peer, needed only by `./streams`.
  if (dependencies["@brokerkit/stream"] === STREAM_RANGE) delete dependencies["@brokerkit/stream"];
  const peerDependencies = { ...((base.peerDependencies as Json | undefined) ?? {}) };
  const peerDependenciesMeta = { ...((base.peerDependenciesMeta as Json | undefined) ?? {}) };
  const devDependencies = { ...((base.devDependencies as Json | undefined) ?? {}) };
  if (hasStreams) {
    peerDependencies["@brokerkit/stream"] = STREAM_RANGE;
    peerDependenciesMeta["@brokerkit/stream"] = { optional: true };
    devDependencies["@brokerkit/stream"] = "workspace:*";
  } else {
    delete peerDependencies["@brokerkit/stream"];
    delete peerDependenciesMeta["@brokerkit/stream"];
    delete devDependencies["@brokerkit/stream"];
  }
  if (manifest.sticky) dependencies["tough-cookie"] = TOUGH_COOKIE_VERSION;
  else if (dependencies["tough-cookie"] === TOUGH_COOKIE_VERSION) delete dependencies["tough-cookie"];
  const ordered: Json = {
    name: manifest.package,
    version: base.version ?? "0.1.0",
    description: manifest.description,
    license: base.license ?? "MIT",
    type: "module",
    sideEffects: false,
    exports,
    main: "./dist/index.cjs",
    types: "./dist/index.d.cts",
    ...(subpaths.length ? { typesVersions: node10Subpaths(subpaths) } : {}),
    files: ["dist", "README.md", "LICENSE"],
    engines: { node: NODE_RANGE },
    repository: base.repository ?? {
      type: "git",
      url: "git+https://github.com/brokerkit/brokerkit.git",
      directory: `packages/${brokerDir}`,
    },
    scripts: sortKeys({
      test: "vitest run",
      ...scripts,
      generate: `brokerkit generate ${brokerDir}`,
      build: BUILD_SCRIPT,
      typecheck: "tsc --noEmit -p tsconfig.json",
    }),
    dependencies: sortKeys({ ...dependencies, "@brokerkit/middleware": MIDDLEWARE_RANGE }),
    devDependencies: sortKeys({ ...devDependencies, "@brokerkit/codegen": "workspace:*" }),
    ...(Object.keys(peerDependencies).length ? { peerDependencies: sortKeys(peerDependencies) } : {}),
    ...(Object.keys(peerDependenciesMeta).length ? { peerDependenciesMeta: sortKeys(peerDependenciesMeta) } : {}),
  };
  // Keep anything else the maintainers added, after the managed fields.
  for (const [key, value] of Object.entries(base)) if (!(key in ordered)) ordered[key] = value;
  return ordered;
}

export function scaffoldFiles(manifest: Manifest, brokerDir: string): Record<string, string> {
  const apiNames = Object.keys(manifest.apis);
  const files: Record<string, string> = {
    "tsconfig.json": json({
      extends: "../../tsconfig.base.json",
      compilerOptions: { noEmit: true, types: ["node"] },
      include: ["src", "test"],
    }),
    "tsconfig.build.json": json({
      extends: "../../tsconfig.base.json",
      compilerOptions: { rootDir: "src", outDir: "dist", types: ["node"] },
      include: ["src"],
    }),
    "turbo.json": json({
      $schema: "https://turbo.build/schema.json",
      extends: ["//"],
      tasks: {
        generate: {
          dependsOn: ["@brokerkit/codegen#build"],
          inputs: [`$TURBO_ROOT$/specs/${brokerDir}/**`],
          outputs: ["src/generated/**"],
        },
      },
    }),
    "src/index.ts": `${(
      apiNames.length > 1
        ? apiNames.map((a) => `export * from "./${a}.js";`)
        : ['export * from "./generated/index.js";']
    ).join("\n")}\n`,
    "README.md": readmeStub(manifest),
  };
  if (apiNames.length > 1) {
    for (const api of apiNames) files[`src/${api}.ts`] = `export * from "./generated/${api}/index.js";\n`;
  }
  const streams = Object.keys(manifest.streams ?? {});
  if (streams.length) {
    files[`src/${STREAMS_ENTRY}.ts`] =
      `${streams.map((s) => `export * from "./generated/${s}/index.js";`).join("\n")}\n`;
  }
  return files;
}

function readmeStub(manifest: Manifest): string {
  const apis = Object.entries(manifest.apis);
  return `# ${manifest.package}

${manifest.description}

Generated by brokerkit from \`specs/${manifest.package.replace("@brokerkit/", "")}/\`. The code under \`src/generated/\` is
rewritten by \`pnpm generate\` and never edited by hand.

## Install

\`\`\`sh
npm install ${manifest.package}
\`\`\`

## Create a client

\`\`\`ts
${apis.map(([name, api]) => `import { ${api.factory} } from "${manifest.package}${apis.length > 1 ? `/${name}` : ""}";`).join("\n")}
\`\`\`
`;
}

/** package.json as npm, pnpm and biome write it: every array expanded. */
export function packageJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** JSON as the repository's formatter (biome) writes it: 2-space indent, short arrays of scalars on one line. */
export function json(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    /^( *)("[^"\n]*": )?\[\n((?: *(?:"[^"\n]*"|-?[\d.]+|true|false|null),?\n)+) *\]/gm,
    (whole, indent: string, key: string | undefined, items: string) => {
      const inline = `${indent}${key ?? ""}[${items
        .split("\n")
        .filter(Boolean)
        .map((item) => item.trim().replace(/,$/, ""))
        .join(", ")}]`;
      return inline.length <= 120 ? inline : whole;
    },
  );
  return `${text}\n`;
}

function sortKeys(value: Json): Json {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
