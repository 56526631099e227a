/**
 * What installing one broker package costs a consumer: the workspace packages packed as they would
 * be published (`pnpm pack` turns workspace ranges into versions), installed with npm into an empty
 * project (third-party dependencies from the registry), and node_modules measured in bytes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publishedPackages } from "./entries.js";

export interface InstallSize {
  broker: string;
  bytes: number;
  /** Every installed package, with its own size in bytes. */
  packages: Record<string, number>;
  /** tsc's output per TypeScript resolution mode for a consumer file (empty: no error). */
  typeErrors: Record<string, string>;
}

/** A consumer's TypeScript settings per resolution mode; skipLibCheck off, so the shipped declarations are checked too. */
const MODES: Record<string, { compilerOptions: Record<string, unknown>; file: string }> = {
  node10: { compilerOptions: { module: "commonjs", moduleResolution: "node10" }, file: "consumer.ts" },
  "node16 (CJS)": { compilerOptions: { module: "node16", moduleResolution: "node16" }, file: "consumer.cts" },
  "node16 (ESM)": { compilerOptions: { module: "node16", moduleResolution: "node16" }, file: "consumer.mts" },
  nodenext: { compilerOptions: { module: "nodenext", moduleResolution: "nodenext" }, file: "consumer.cts" },
  bundler: { compilerOptions: { module: "esnext", moduleResolution: "bundler" }, file: "consumer.ts" },
};

/** A typed call through each broker's client, as a consumer writes it. */
const CONSUMER: Record<string, string> = {
  "@brokerkit/alpaca": `import { createTradingClient } from "@brokerkit/alpaca/trading";
const trading = createTradingClient({ environment: "paper", credentials: { keyId: "k", secretKey: "s" } });
export const account = trading.GET("/v2/account");
`,
  "@brokerkit/alor": `import { createAlorClient } from "@brokerkit/alor";
const alor = createAlorClient({ environment: "test", credentials: { refreshToken: "r" } });
export const time = alor.GET("/md/v2/time");
`,
  "@brokerkit/binance": `import { createSpotClient } from "@brokerkit/binance";
const binance = createSpotClient({ environment: "testnet", credentials: { apiKey: "k", secretKey: "s" } });
export const book = binance.GET("/api/v3/depth", { params: { query: { symbol: "BTCUSDT" } } });
`,
  "@brokerkit/saxo": `import { createSaxoClient } from "@brokerkit/saxo";
const saxo = createSaxoClient({ environment: "sim", credentials: { clientId: "app", accessToken: "a" } });
export const accounts = saxo.GET("/port/v1/accounts/me");
`,
};

function typeCheck(project: string, broker: string): Record<string, string> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const consumer = CONSUMER[broker];
  if (consumer === undefined)
    throw new Error(`install-size: no consumer call written for ${broker} (add one to CONSUMER)`);
  const errors: Record<string, string> = {};
  for (const [mode, { compilerOptions, file }] of Object.entries(MODES)) {
    const dir = join(project, mode.replace(/\W+/g, "-"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), consumer);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions,
          target: "es2022",
          lib: ["es2023", "dom", "dom.iterable"],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: [file],
      }),
    );
    const result = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", timeout: 300_000 });
    errors[mode] =
      result.status === 0 ? "" : `${result.stdout}${result.stderr}`.trim() || `tsc exited ${result.status}`;
  }
  return errors;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${result.stderr}`);
  return result.stdout;
}

/** Packs every published package once; returns name → tarball path. */
export function packAll(into: string): Map<string, string> {
  mkdirSync(into, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const pkg of publishedPackages()) {
    const before = new Set(readdirSync(into));
    run("pnpm", ["pack", "--pack-destination", into], pkg.dir);
    const made = readdirSync(into).find((file) => !before.has(file) && file.endsWith(".tgz"));
    if (!made) throw new Error(`pnpm pack made no tarball for ${pkg.name}`);
    tarballs.set(pkg.name, join(into, made));
  }
  return tarballs;
}

/** Installs `broker` (plus the brokerkit packages it needs, from the tarballs) into an empty project. */
export function measureInstall(broker: string, tarballs: Map<string, string>): InstallSize {
  const project = mkdtempSync(join(tmpdir(), "brokerkit-install-"));
  try {
    const own = tarballs.get(broker);
    const middleware = tarballs.get("@brokerkit/middleware");
    if (!own || !middleware) throw new Error(`no tarball for ${broker} or @brokerkit/middleware`);
    // The middleware tarball sits at the top so that the broker's ^range is met without the registry.
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        dependencies: { [broker]: `file:${own}`, "@brokerkit/middleware": `file:${middleware}` },
      }),
    );
    run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], project);
    const modules = join(project, "node_modules");
    const packages: Record<string, number> = {};
    for (const dir of packageDirs(modules)) packages[dir.name] = bytesOf(dir.path);
    return { broker, bytes: bytesOf(modules), packages, typeErrors: typeCheck(project, broker) };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

function packageDirs(modules: string): { name: string; path: string }[] {
  const found: { name: string; path: string }[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith(".")) continue;
    const path = join(modules, entry);
    if (entry.startsWith("@")) {
      for (const inner of readdirSync(path)) found.push({ name: `${entry}/${inner}`, path: join(path, inner) });
    } else found.push({ name: entry, path });
  }
  return found;
}

/** The sum of the files' sizes (what `du --apparent-size -b` reports), so figures do not depend on the file system. */
function bytesOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += bytesOf(join(path, entry));
  return total;
}
