/**
 * `pnpm release [--registry URL] [--keep] [--port N] [--no-version] [--dry-run]`
 *
 * Versions (changeset version), builds, packs and checks every public package, then publishes the
 * checked tarballs to BROKERKIT_REGISTRY / --registry, or to an embedded Verdaccio on 127.0.0.1.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { inspectPackage } from "./inspect.js";
import { writeUserConfig } from "./npmrc.js";
import { type PackedPackage, packPackage } from "./pack.js";
import { expectationsFor } from "./policy.js";
import { formatBytes, Progress } from "./progress.js";
import { publishedVersions, publishTarball, type RegistryTarget, whoami } from "./publish.js";
import { type EmbeddedRegistry, startEmbeddedRegistry } from "./registry.js";
import { applyChangesets, pendingChangesets } from "./version.js";
import { publicPackages, workspacePackages } from "./workspace.js";

const USAGE = `Usage: pnpm release [options]

Versions, builds, checks and publishes every public @brokerkit package.

Registry: --registry URL, else BROKERKIT_REGISTRY, else an embedded Verdaccio on 127.0.0.1
(storage in .registry/, stopped afterwards unless --keep). Token for a company registry:
BROKERKIT_REGISTRY_TOKEN, or your user npmrc (npm login --registry URL).

Options:
  --registry URL   publish there instead of the embedded registry
  --keep           leave the embedded registry running (prints its URL and pid)
  --port N         port for the embedded registry (default: a free one)
  --no-version     skip \`changeset version\` (publish the versions in package.json)
  --dry-run        version, build, pack and check; publish nothing
  -h, --help       show this help`;

export interface ReleaseResult {
  registry: string;
  published: { name: string; version: string; size: number }[];
  skipped: { name: string; version: string }[];
}

export async function main(argv: string[], root: string): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    console.error(`release: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  const progress = new Progress();
  const work = mkdtempSync(join(tmpdir(), "brokerkit-release-"));
  let registry: EmbeddedRegistry | undefined;
  try {
    await progress.step("Generated code is up to date (brokerkit generate --check)", () => {
      run(process.execPath, [join(root, "packages/codegen/bin/brokerkit.mjs"), "generate", "--check"], root);
    });

    await progress.step("Versions from changesets (changeset version)", () => {
      if (values["no-version"]) return progress.line("skipped (--no-version)");
      const pending = pendingChangesets(root);
      if (!pending.length) return progress.line("no pending changesets: versions stay as they are");
      progress.line(`${pending.length} pending: ${pending.join(", ")}`);
      for (const bump of applyChangesets(root, (line) => progress.line(`  ${line}`))) {
        progress.line(`${bump.name}: ${bump.from} → ${bump.to}`);
      }
    });

    const packages = publicPackages(root);
    await progress.step(`Build (${packages.map((p) => p.name).join(", ")})`, () => {
      const filters = packages.map((p) => `--filter=${p.name}`);
      run("pnpm", ["exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"], root);
    });

    const packed: PackedPackage[] = [];
    await progress.step("Pack and check (npm pack contents, package.json, dependencies, publint, attw)", async () => {
      const all = workspacePackages(root);
      let failures = 0;
      for (const pkg of publicPackages(root)) {
        const tarball = await packPackage(pkg, work);
        packed.push(tarball);
        const { problems, notes } = await inspectPackage(tarball, expectationsFor(pkg, all, root));
        const deps = Object.entries((tarball.manifest.dependencies ?? {}) as Record<string, string>)
          .map(([n, v]) => `${n}@${v}`)
          .join(", ");
        progress.line(
          `${problems.length ? "✗" : "✓"} ${pkg.name}@${pkg.version}: ${tarball.files.size} files, ${formatBytes(tarball.size)} packed, ${formatBytes(tarball.unpackedSize)} unpacked; deps: ${deps || "none"}`,
        );
        for (const p of problems) progress.line(`    ✗ [${p.check}] ${p.message}`);
        for (const note of notes) progress.line(`    · ${note}`);
        failures += problems.length;
      }
      if (failures) throw new Error(`${failures} problem(s) found; nothing was published`);
    });

    if (values["dry-run"]) {
      progress.line("\n--dry-run: nothing published");
      return 0;
    }

    const target = await progress.step("Registry", async () => {
      const url = values.registry ?? process.env.BROKERKIT_REGISTRY;
      if (url) {
        const token = process.env.BROKERKIT_REGISTRY_TOKEN;
        const t: RegistryTarget = {
          url: url.endsWith("/") ? url : `${url}/`,
          ...(token ? { userconfig: writeUserConfig(join(work, "npmrc"), url, token) } : {}),
          secrets: token ? [token] : [],
        };
        progress.line(
          `${t.url} (${token ? "token from BROKERKIT_REGISTRY_TOKEN" : "credentials from your user npmrc"})`,
        );
        progress.line(`authenticated as ${whoami(t)}`);
        return t;
      }
      registry = await startEmbeddedRegistry({
        dir: join(root, ".registry"),
        ...(values.port ? { port: Number(values.port) } : {}),
        detached: values.keep ?? false,
      });
      progress.line(`embedded Verdaccio at ${registry.url} (pid ${registry.pid}; storage .registry/storage)`);
      return { url: registry.url, userconfig: registry.userconfig, secrets: [registry.token] } satisfies RegistryTarget;
    });

    const result: ReleaseResult = { registry: target.url, published: [], skipped: [] };
    await progress.step(`Publish to ${target.url}`, () => {
      for (const p of packed) {
        const { name, version } = p.pkg;
        if (publishedVersions(name, target).has(version)) {
          progress.line(`= ${name}@${version} is already published: skipped`);
          result.skipped.push({ name, version });
          continue;
        }
        publishTarball(p.tarball, version, target);
        progress.line(`↑ ${name}@${version} (${formatBytes(p.size)})`);
        result.published.push({ name, version, size: p.size });
      }
    });

    console.log(`\n\x1b[1mReleased to ${result.registry}\x1b[0m`);
    for (const p of result.published) console.log(`  published ${p.name}@${p.version}  ${formatBytes(p.size)}`);
    for (const p of result.skipped) console.log(`  unchanged ${p.name}@${p.version}  (already there)`);
    console.log("\nSteps:");
    for (const t of progress.timings) console.log(`  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.title}`);
    console.log(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  total`);
    console.log(
      `\nInstall from it: npm install @brokerkit/alpaca --@brokerkit:registry=${result.registry}` +
        (registry && values.keep
          ? `\nThe embedded registry keeps running (pid ${registry.pid}); stop it with: kill ${registry.pid}`
          : ""),
    );
    return 0;
  } catch (error) {
    console.error(`\n✗ release: ${(error as Error).message}`);
    return 1;
  } finally {
    if (registry && !values.keep) {
      await registry.stop();
      console.log("  embedded registry stopped");
    }
    rmSync(work, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, {
    cwd,
    stdio: "inherit",
    env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env },
  });
  if (result.status !== 0) throw new Error(`${[command, ...args].join(" ")} failed (exit ${result.status})`);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      registry: { type: "string" },
      keep: { type: "boolean" },
      port: { type: "string" },
      "no-version": { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
