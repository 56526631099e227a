/**
 * Checks on a packed tarball, i.e. on exactly what would be published: its file list, its package.json
 * (after pnpm replaced `workspace:` ranges), and that its dependencies are the packages its code imports.
 */
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import type { TarballFiles } from "./tarball.js";

export interface Problem {
  check: string;
  message: string;
}

export interface Expectations {
  /** The `engines.node` range published packages declare (the range the end-to-end test runs on). */
  nodeRange: string;
  /** Top-level folders shipped besides dist (e.g. `bin`, `schema` for the generator). */
  extraFolders?: readonly string[];
  /** Workspace packages that must never be a runtime dependency (private ones, the generator, other brokers). */
  forbiddenDependencies?: readonly string[];
}

const ROOT_FILES = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);
const TEST_LIKE = /(^|\/)(test|tests|__tests__|fixtures?|simulators?|testing|\.tmp)(\/|$)|\.(test|spec)\.[cm]?[jt]sx?$/;
const RUNTIME_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/** Only dist (plus declared folders), README, LICENSE, CHANGELOG and package.json; no tests or source maps. */
export function checkContents(files: readonly string[], expectations: Expectations): Problem[] {
  const problems: Problem[] = [];
  const folders = ["dist", ...(expectations.extraFolders ?? [])];
  const shipped = new Set(files);
  for (const file of files) {
    const allowed = ROOT_FILES.has(file) || folders.some((folder) => file.startsWith(`${folder}/`));
    if (!allowed) problems.push({ check: "contents", message: `${file} is not dist, README, LICENSE or package.json` });
    else if (TEST_LIKE.test(file))
      problems.push({ check: "contents", message: `${file} looks like a test, fixture or simulator` });
    if (/\.map$/.test(file))
      problems.push({ check: "contents", message: `${file}: source maps point at sources that are not shipped` });
    if (file.endsWith(".tsbuildinfo")) problems.push({ check: "contents", message: `${file} is a build cache` });
  }
  for (const required of ["package.json", "LICENSE"]) {
    if (!shipped.has(required)) problems.push({ check: "contents", message: `${required} is missing` });
  }
  return problems;
}

/** `//# sourceMappingURL=` comments must not point at files that are not in the tarball. */
export function checkSourceMapReferences(files: TarballFiles): Problem[] {
  const problems: Problem[] = [];
  for (const [file, data] of files) {
    if (!/\.[cm]?js$|\.d\.[cm]?ts$/.test(file)) continue;
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(data.toString("utf8"))?.[1];
    if (!url || url.startsWith("data:")) continue;
    const target = join(file, "..", url).split("\\").join("/");
    if (!files.has(target))
      problems.push({ check: "contents", message: `${file} references ${url}, which is not shipped` });
  }
  return problems;
}

/** Every dist file must come from a current source file: anything else is left over from an older build. */
export function checkStaleOutputs(packageDir: string, files: readonly string[]): Problem[] {
  if (!existsSync(join(packageDir, "src"))) return [];
  const problems: Problem[] = [];
  for (const file of files) {
    const match = /^dist\/(.+?)(\.d\.c?ts|\.c?js)$/.exec(file);
    if (!match) continue;
    const source = `src/${match[1]}.ts`;
    if (!existsSync(join(packageDir, source)) && !existsSync(join(packageDir, `${source}x`))) {
      problems.push({
        check: "contents",
        message: `${file} has no source (${source}): stale build output, rebuild from a clean dist`,
      });
    }
  }
  return problems;
}

/** The published package.json: real versions, the hygiene fields, and no dependency it must not have. */
export function checkManifest(manifest: Record<string, unknown>, expectations: Expectations): Problem[] {
  const problems: Problem[] = [];
  const add = (message: string) => problems.push({ check: "package.json", message });
  for (const field of [...RUNTIME_FIELDS, "devDependencies"] as const) {
    const deps = (manifest[field] ?? {}) as Record<string, string>;
    for (const [name, range] of Object.entries(deps)) {
      if (range.startsWith("workspace:")) add(`${field}.${name} is still "${range}"`);
    }
  }
  for (const field of RUNTIME_FIELDS) {
    const deps = (manifest[field] ?? {}) as Record<string, string>;
    for (const name of expectations.forbiddenDependencies ?? []) {
      if (name in deps) add(`${field} must not include ${name}`);
    }
  }
  if (manifest.sideEffects !== false) add("sideEffects must be false");
  if (manifest.type !== "module") add('type must be "module"');
  const engines = manifest.engines as { node?: string } | undefined;
  if (engines?.node !== expectations.nodeRange) {
    add(
      `engines.node is ${JSON.stringify(engines?.node)}; expected "${expectations.nodeRange}" (the Node versions tested)`,
    );
  }
  if (typeof manifest.license !== "string") add("license is missing");
  const repository = manifest.repository as { url?: string; directory?: string } | undefined;
  if (!repository?.url || !repository.directory) add("repository needs url and directory");
  const exports = manifest.exports as Record<string, unknown> | undefined;
  const root = exports?.["."] as Record<string, unknown> | undefined;
  if (!root || typeof root !== "object") add('exports["."] is missing');
  else {
    // A dual build: `import` and `require` each with their own types, which must come first.
    if (!("import" in root) || !("require" in root)) add('exports["."] needs both "import" and "require" conditions');
    for (const [path, conditions] of conditionObjects(exports ?? {}, "exports")) {
      if ("types" in conditions && Object.keys(conditions)[0] !== "types") add(`${path} must list "types" first`);
    }
  }
  return problems;
}

/** Every nested object of an exports map that holds conditions, with its path for messages. */
function conditionObjects(value: Record<string, unknown>, path: string): [string, Record<string, unknown>][] {
  const found: [string, Record<string, unknown>][] = [[path, value]];
  for (const [key, child] of Object.entries(value)) {
    if (child && typeof child === "object") {
      found.push(...conditionObjects(child as Record<string, unknown>, `${path}[${JSON.stringify(key)}]`));
    }
  }
  return found;
}

/**
 * Runtime dependencies must be exactly what the shipped code imports (JavaScript and declarations),
 * plus peer dependencies of those (e.g. typescript for openapi-typescript).
 */
export function checkDependencies(
  manifest: Record<string, unknown>,
  files: TarballFiles,
  packageDir: string,
): Problem[] {
  const problems: Problem[] = [];
  const name = String(manifest.name);
  const declared = new Set<string>();
  for (const field of RUNTIME_FIELDS)
    for (const dep of Object.keys((manifest[field] ?? {}) as object)) declared.add(dep);
  const imported = new Map<string, string>();
  for (const [file, data] of files) {
    if (!/\.(?:[cm]?js|d\.[cm]?ts)$/.test(file)) continue;
    for (const specifier of importsOf(data.toString("utf8"))) {
      if (isBuiltin(specifier) || specifier.startsWith(".") || specifier.startsWith("/")) continue;
      const pkg = packageNameOf(specifier);
      if (pkg && pkg !== name && !imported.has(pkg)) imported.set(pkg, file);
    }
  }
  for (const [pkg, file] of imported) {
    if (!declared.has(pkg))
      problems.push({ check: "dependencies", message: `${file} imports ${pkg}, which is not a dependency` });
  }
  const peersOfUsed = new Set<string>();
  for (const pkg of imported.keys()) {
    const file = join(packageDir, "node_modules", pkg, "package.json");
    if (!existsSync(file)) continue;
    const peers = (JSON.parse(readFileSync(file, "utf8")) as { peerDependencies?: object }).peerDependencies ?? {};
    for (const peer of Object.keys(peers)) peersOfUsed.add(peer);
  }
  for (const dep of declared) {
    if (!imported.has(dep) && !peersOfUsed.has(dep)) {
      problems.push({ check: "dependencies", message: `${dep} is a dependency, but no shipped file imports it` });
    }
  }
  return problems;
}

function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((r) => r.fileName);
}

function packageNameOf(specifier: string): string | undefined {
  const parts = specifier.split("/");
  const pkg = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return pkg && /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(pkg) ? pkg : undefined;
}
