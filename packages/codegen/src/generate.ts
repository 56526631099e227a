/**
 * Turns every `specs/<broker>/` into `packages/<broker>/`: generated sources (rewritten each run,
 * byte-identical for identical inputs), managed package.json fields, and a one-time scaffold.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import type { ApiConfig } from "@brokerkit/middleware";
import { emitApiIndex, emitClient, emitConfig, emitRootIndex } from "./emit/client.js";
import { header, type SourceStamp } from "./emit/header.js";
import { json, managedPackageJson, scaffoldFiles } from "./emit/package.js";
import { emitTypes } from "./emit/types.js";
import { CodegenError } from "./errors.js";
import { loadManifest } from "./manifest/load.js";
import { normalizeApi } from "./manifest/normalize.js";
import { loadSpec } from "./spec/load.js";
import { extractOperations } from "./spec/operations.js";

export interface GenerateOptions {
  /** Repository root: paths in headers and messages are relative to it. */
  root: string;
  /** Folder holding one sub-folder per broker. Default `<root>/specs`. */
  specsDir?: string;
  /** Folder receiving one package per broker. Default `<root>/packages`. */
  packagesDir?: string;
  /** Only these brokers (folder names). Default: every folder with a broker.yaml. */
  brokers?: string[];
  /** Write nothing; report what is stale. */
  check?: boolean;
  log?: (line: string) => void;
}

export interface BrokerReport {
  broker: string;
  packageDir: string;
  written: string[];
  unchanged: string[];
  removed: string[];
  /** In check mode: files that differ from what would be generated, are missing, or are extra. */
  stale: string[];
  /** Operations left out of the runtime table, with the reason. */
  skipped: string[];
  /** The package did not exist before this run. */
  created: boolean;
  ms: number;
}

export async function discoverBrokers(specsDir: string): Promise<string[]> {
  if (!existsSync(specsDir)) return [];
  const entries = await readdir(specsDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(specsDir, e.name, "broker.yaml")))
    .map((e) => e.name)
    .sort();
}

export async function generate(options: GenerateOptions): Promise<BrokerReport[]> {
  const root = resolve(options.root);
  const specsDir = resolve(options.specsDir ?? join(root, "specs"));
  const packagesDir = resolve(options.packagesDir ?? join(root, "packages"));
  const all = await discoverBrokers(specsDir);
  const brokers = options.brokers?.length ? options.brokers : all;
  for (const broker of brokers) {
    if (!all.includes(broker)) {
      throw new CodegenError(
        { file: relative(root, join(specsDir, broker, "broker.yaml")) },
        `no broker manifest found (brokers with a manifest: ${all.join(", ") || "none"})`,
      );
    }
  }
  const reports: BrokerReport[] = [];
  for (const broker of brokers) {
    const report = await generateBroker(
      broker,
      root,
      join(specsDir, broker),
      join(packagesDir, broker),
      options.check ?? false,
    );
    options.log?.(describe(report, options.check ?? false));
    reports.push(report);
  }
  return reports;
}

async function generateBroker(
  broker: string,
  root: string,
  specDir: string,
  packageDir: string,
  check: boolean,
): Promise<BrokerReport> {
  const started = performance.now();
  const display = (path: string) => relative(root, path).split("\\").join("/");
  const manifestFile = join(specDir, "broker.yaml");
  const { manifest, source: manifestSource } = await loadManifest(manifestFile, display(manifestFile));
  const manifestStamp: SourceStamp = { path: display(manifestFile), sha256: sha256(manifestSource.text) };

  const files = new Map<string, string>();
  const skipped: string[] = [];
  const apiNames = Object.keys(manifest.apis);
  await Promise.all(
    apiNames.map(async (apiName) => {
      const api = manifest.apis[apiName] as (typeof manifest.apis)[string];
      const specFile = join(specDir, api.spec);
      if (!existsSync(specFile)) {
        throw new CodegenError(
          {
            file: manifestStamp.path,
            field: `apis.${apiName}.spec`,
            ...manifestSource.locate(["apis", apiName, "spec"]),
          },
          `spec file ${display(specFile)} does not exist`,
        );
      }
      const spec = await loadSpec(specFile, root);
      const specStamp: SourceStamp = { path: display(specFile), sha256: spec.sha256 };
      const extracted = extractOperations(spec, api.operationServers);
      skipped.push(...extracted.skipped.map((s) => `${apiName}: ${s}`));
      const config: ApiConfig = { ...normalizeApi(manifest, apiName), operations: extracted.entries };
      const both = [specStamp, manifestStamp];
      const dir = `src/generated/${apiName}`;
      files.set(`${dir}/types.ts`, header([specStamp]) + (await emitTypes(spec)));
      files.set(`${dir}/config.ts`, header(both) + emitConfig(config));
      files.set(
        `${dir}/client.ts`,
        header(both) +
          emitClient({
            config,
            factory: api.factory,
            description: manifest.description,
            manifestPath: manifestStamp.path,
          }),
      );
      files.set(`${dir}/index.ts`, header(both) + emitApiIndex(api.factory));
    }),
  );
  files.set("src/generated/index.ts", header([manifestStamp]) + emitRootIndex(apiNames));

  const report: BrokerReport = {
    broker,
    packageDir: display(packageDir),
    written: [],
    unchanged: [],
    removed: [],
    stale: [],
    skipped: skipped.sort(),
    created: !existsSync(join(packageDir, "package.json")),
    ms: 0,
  };

  // package.json: managed fields merged into the existing file.
  const packageJsonPath = join(packageDir, "package.json");
  const existingPackage = existsSync(packageJsonPath)
    ? (JSON.parse(await readFile(packageJsonPath, "utf8")) as Record<string, unknown>)
    : undefined;
  files.set("package.json", json(managedPackageJson(manifest, broker, existingPackage)));

  // Scaffold: created when missing, never overwritten.
  const scaffold = scaffoldFiles(manifest, broker);
  const rootLicense = join(root, "LICENSE");
  if (existsSync(rootLicense)) scaffold.LICENSE = await readFile(rootLicense, "utf8");
  for (const [path, content] of Object.entries(scaffold)) {
    if (!existsSync(join(packageDir, path))) files.set(path, content);
  }

  for (const [path, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const target = join(packageDir, path);
    const current = existsSync(target) ? await readFile(target, "utf8") : undefined;
    if (current === content) {
      report.unchanged.push(path);
      continue;
    }
    if (check) {
      report.stale.push(current === undefined ? `${path} (missing)` : `${path} (differs)`);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    report.written.push(path);
  }

  // Generated files that no longer correspond to an API are removed (or reported in check mode).
  for (const path of await listFiles(join(packageDir, "src/generated"))) {
    const rel = `src/generated/${path}`;
    if (files.has(rel)) continue;
    if (check) report.stale.push(`${rel} (no longer generated)`);
    else {
      await rm(join(packageDir, rel));
      report.removed.push(rel);
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

function describe(report: BrokerReport, check: boolean): string {
  const parts = check
    ? [
        report.stale.length
          ? `${report.stale.length} stale: ${report.stale.join(", ")}`
          : `${report.unchanged.length} files up to date`,
      ]
    : [
        `${report.written.length} written`,
        `${report.unchanged.length} unchanged`,
        ...(report.removed.length ? [`${report.removed.length} removed`] : []),
      ];
  const created = report.created && !check ? " (new package)" : "";
  const skipped = report.skipped.length ? `; ${report.skipped.length} spec entries not callable (see --verbose)` : "";
  return `${report.broker}${created}: ${parts.join(", ")} in ${report.ms} ms → ${report.packageDir}${skipped}`;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
