/**
 * Turns every `specs/<broker>/` into `packages/<broker>/`: generated sources (rewritten each run,
 * byte-identical for identical inputs), managed package.json fields, and a one-time scaffold.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { type ApiConfig, compilePattern, type HttpMethod } from "@brokerkit/middleware";
import { type BrokerFailure, BrokerFailures } from "./broker-failures.js";
import { type ApiSpecInput, assessChanges, type BrokerChanges } from "./changes/assess.js";
import { BreakingChangesError } from "./changes/breaking.js";
import { changesetFileName, renderChangeset } from "./changes/changeset.js";
import { documentsOf } from "./changes/documents.js";
import { renderSnapshot, SNAPSHOT_FILE } from "./changes/snapshot.js";
import { emitApiIndex, emitClient, emitConfig, emitRootIndex, typeStem } from "./emit/client.js";
import type { ClientFilledRules } from "./emit/client-filled.js";
import { header, type SourceStamp } from "./emit/header.js";
import { emitOps } from "./emit/ops.js";
import { managedPackageJson, packageJsonText, scaffoldFiles } from "./emit/package.js";
import { emitTypes } from "./emit/types.js";
import { CodegenError, CodegenErrors } from "./errors.js";
import { loadManifest } from "./manifest/load.js";
import { normalizeApi } from "./manifest/normalize.js";
import { withOperationFacts } from "./manifest/operation-facts.js";
import type { Manifest } from "./manifest/types.js";
import { smokeTestFile } from "./scaffold/smoke-test.js";
import { managedTurboJson } from "./scaffold/turbo-inputs.js";
import { loadSpec } from "./spec/load.js";
import { namedOperations } from "./spec/named-operations.js";
import { duplicateOperationIds } from "./spec/operation-ids.js";
import { extractOperations } from "./spec/operations.js";
import { operationParameters } from "./spec/parameters.js";
import { schemaShapeErrors } from "./spec/schema-shapes.js";
import { planStreams } from "./stream/plan.js";

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
  /** Adopt spec changes that would break users (a major version). Without it they stop generation before anything is written. */
  allowBreaking?: boolean;
  /** Where changesets for spec changes go. Default: `.changeset` beside the specs folder (`<root>/.changeset`). */
  changesetDir?: string;
  /**
   * For brokers without a package yet: write only the package around the code (package.json, turbo.json,
   * scaffold, smoke test), so that `pnpm install` can link it before turbo generates it, once.
   */
  scaffoldOnly?: boolean;
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
  /** Spec changes against the snapshots of the previous generation, and the version bump they need. */
  changes: BrokerChanges;
  /** Changeset written for them (relative to the root), when there were any. */
  changeset?: string;
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
  const check = options.check ?? false;
  // Every broker is planned (and its spec changes classified) before any file is written, so a
  // refused breaking change leaves the whole tree untouched. A broker whose inputs are broken is
  // reported and left out; the others are still generated.
  const plans: BrokerPlan[] = [];
  const failures: BrokerFailure[] = [];
  let bug: unknown;
  for (const broker of brokers) {
    try {
      plans.push(
        await planBroker(
          broker,
          root,
          join(specsDir, broker),
          join(packagesDir, broker),
          options.scaffoldOnly ?? false,
        ),
      );
    } catch (error) {
      if (error instanceof CodegenErrors) failures.push({ broker, errors: error.errors });
      else if (error instanceof CodegenError) failures.push({ broker, errors: [error] });
      else {
        bug ??= error;
        failures.push({ broker, errors: [] });
      }
    }
  }
  const breaking = plans.filter((p) => p.report.changes.bump === "major");
  if (breaking.length && !check && !options.allowBreaking) {
    throw new BreakingChangesError(breaking.map((p) => ({ packageName: p.packageName, changes: p.report.changes })));
  }
  // The changesets of a specs folder belong to its workspace: `.changeset` beside it.
  const changesetDir = resolve(options.changesetDir ?? join(dirname(specsDir), ".changeset"));
  const reports: BrokerReport[] = [];
  for (const plan of plans) {
    const report = await applyPlan(plan, check, changesetDir);
    options.log?.(describe(report, check));
    reports.push(report);
  }
  // A bug (not a problem in the input) surfaces as itself, after the other brokers were generated.
  if (bug !== undefined) throw bug;
  if (failures.length) throw new BrokerFailures(failures, reports);
  return reports;
}

interface BrokerPlan {
  report: BrokerReport;
  packageName: string;
  packageDir: string;
  files: Map<string, string>;
  started: number;
  display: (path: string) => string;
  /** Only the package around the code was planned: generated files are not compared or removed. */
  scaffoldOnly: boolean;
}

async function planBroker(
  broker: string,
  root: string,
  specDir: string,
  packageDir: string,
  scaffoldOnly: boolean,
): Promise<BrokerPlan> {
  const started = performance.now();
  const display = (path: string) => relative(root, path).split("\\").join("/");
  const manifestFile = join(specDir, "broker.yaml");
  const { manifest, source: manifestSource } = await loadManifest(manifestFile, display(manifestFile));
  const manifestStamp: SourceStamp = { path: display(manifestFile), sha256: sha256(manifestSource.text) };

  const files = new Map<string, string>();
  const skipped: string[] = [];
  const specs: ApiSpecInput[] = [];
  const apiNames = Object.keys(manifest.apis);
  const created = !existsSync(join(packageDir, "package.json"));
  // Every file the specs reach, the broker's folder and beyond: turbo's inputs for this package.
  const referenced = new Set<string>();
  const smokeTargets: Parameters<typeof smokeTestFile>[0]["apis"] = [];
  // Every API's problems are reported together, so the author can fix them in one pass.
  const planned = await Promise.allSettled(
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
      for (const file of spec.documents.keys()) referenced.add(file);
      // Found here with file:line:column, before openapi-typescript fails on them without saying where.
      const specProblems = [...duplicateOperationIds(spec), ...schemaShapeErrors(spec)];
      if (specProblems.length) throw new CodegenErrors(specProblems);
      const specStamp: SourceStamp = { path: display(specFile), sha256: spec.sha256 };
      const extracted = extractOperations(spec, api.operationServers);
      skipped.push(...extracted.skipped.map((s) => `${apiName}: ${s}`));
      const normalized = normalizeApi(manifest, apiName);
      const config: ApiConfig = {
        ...normalized,
        operations: withOperationFacts(
          manifest,
          apiName,
          normalized,
          extracted.entries,
          operationParameters(spec),
          manifestSource,
        ),
        ...(extracted.commaSeparatedQuery.length ? { commaSeparatedQuery: extracted.commaSeparatedQuery } : {}),
      };
      // A manifest-wide idempotency rule whose paths match no operation of this API (Alpaca's covers order
      // creation in trading and broker, not market data) stays out of its config, and its layer out of its client.
      if (config.idempotency && !coversAnOperation(config.idempotency, config.operations)) delete config.idempotency;
      smokeTargets.push({ name: apiName, factory: api.factory, config });
      // Scaffolding a new package stops here: turbo generates the code, once, after `pnpm install`.
      if (scaffoldOnly && created) return;
      const both = [specStamp, manifestStamp];
      const dir = `src/generated/${apiName}`;
      const clientSuppliedHeaders = config.idempotency?.header ? [config.idempotency.header] : [];
      const clientFilled = clientFilledRules(manifest, config);
      files.set(
        `${dir}/types.ts`,
        header([specStamp]) + (await emitTypes(spec, { clientSuppliedHeaders, clientFilled })),
      );
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
      const named = namedOperations(spec, extracted.entries);
      skipped.push(...named.skipped.map((s) => `${apiName}: ${s}`));
      files.set(
        `${dir}/ops.ts`,
        header([specStamp]) + emitOps(typeStem(api.factory), `${apiName} API`, named.operations),
      );
      const documents = documentsOf(spec);
      files.set(`${dir}/${SNAPSHOT_FILE}`, renderSnapshot(specStamp.path, spec.sha256, documents));
      specs.push({ api: apiName, specPath: specStamp.path, sha256: spec.sha256, documents });
    }),
  );
  const problems = planned.flatMap((r) =>
    r.status === "fulfilled"
      ? []
      : r.reason instanceof CodegenErrors
        ? r.reason.errors
        : r.reason instanceof CodegenError
          ? [r.reason]
          : [],
  );
  const unexpected = planned.find(
    (r) => r.status === "rejected" && !(r.reason instanceof CodegenError || r.reason instanceof CodegenErrors),
  );
  if (unexpected?.status === "rejected") throw unexpected.reason;
  if (problems.length) throw new CodegenErrors(problems);
  if (!(scaffoldOnly && created)) {
    files.set("src/generated/index.ts", header([manifestStamp]) + emitRootIndex(apiNames));
    const streamFiles = await planStreams({
      manifest,
      manifestSource,
      manifestStamp,
      specDir,
      root,
      display,
      referencedFiles: referenced,
    });
    for (const [path, text] of streamFiles) files.set(path, text);
  }

  const report: BrokerReport = {
    broker,
    packageDir: display(packageDir),
    written: [],
    unchanged: [],
    removed: [],
    stale: [],
    skipped: skipped.sort(),
    created,
    changes: { apis: [], fingerprint: "" },
    ms: 0,
  };
  // A new package starts at its first version: its specs are a baseline, not a change.
  specs.sort((a, b) => a.api.localeCompare(b.api));
  report.changes = await assessChanges({
    packageDir,
    displayDir: display(packageDir),
    apis: report.created ? [] : specs,
  });

  // package.json: managed fields merged into the existing file.
  const packageJsonPath = join(packageDir, "package.json");
  const existingPackage = existsSync(packageJsonPath)
    ? (JSON.parse(await readFile(packageJsonPath, "utf8")) as Record<string, unknown>)
    : undefined;
  files.set("package.json", packageJsonText(managedPackageJson(manifest, broker, existingPackage)));

  // Scaffold: created when missing, never overwritten.
  const scaffold = scaffoldFiles(manifest, broker);
  const rootLicense = join(root, "LICENSE");
  if (existsSync(rootLicense)) scaffold.LICENSE = await readFile(rootLicense, "utf8");
  smokeTargets.sort((a, b) => a.name.localeCompare(b.name));
  // A new package's own `pnpm test` has a real test to run; existing packages have their own.
  if (created) scaffold["test/smoke.test.ts"] = smokeTestFile({ packageName: manifest.package, apis: smokeTargets });
  for (const [path, content] of Object.entries(scaffold)) {
    if (!existsSync(join(packageDir, path))) files.set(path, content);
  }
  // turbo.json: the generate task's inputs follow the specs' references (managed, like package.json's fields).
  const turboPath = join(packageDir, "turbo.json");
  const turbo = managedTurboJson({
    existing: existsSync(turboPath) ? await readFile(turboPath, "utf8") : (scaffold["turbo.json"] ?? "{}"),
    existingPath: display(turboPath),
    root,
    specDir,
    referenced,
  });
  files.set("turbo.json", turbo.text);
  skipped.push(...turbo.untracked);
  return {
    report,
    packageName: manifest.package,
    packageDir,
    files,
    started,
    display,
    scaffoldOnly: scaffoldOnly && created,
  };
}

async function applyPlan(plan: BrokerPlan, check: boolean, changesetDir: string): Promise<BrokerReport> {
  const { report, packageDir, files } = plan;
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
  for (const path of plan.scaffoldOnly ? [] : await listFiles(join(packageDir, "src/generated"))) {
    const rel = `src/generated/${path}`;
    if (files.has(rel)) continue;
    if (check) report.stale.push(`${rel} (no longer generated)`);
    else {
      await rm(join(packageDir, rel));
      report.removed.push(rel);
    }
  }
  const { bump } = report.changes;
  if (bump && !check) {
    const file = join(changesetDir, changesetFileName(report.broker, report.changes.fingerprint));
    await mkdir(changesetDir, { recursive: true });
    await writeFile(file, renderChangeset({ packageName: plan.packageName, bump, apis: report.changes.apis }));
    report.changeset = plan.display(file);
  }
  report.ms = Math.round(performance.now() - plan.started);
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
  const { bump, apis } = report.changes;
  const baseline = apis.filter((a) => a.status === "baseline").map((a) => a.api);
  const notes = [
    ...(baseline.length && !check
      ? [`  spec snapshot recorded as a baseline (${baseline.join(", ")}); no changeset`]
      : []),
    ...(bump
      ? [
          `  ${check ? "spec changes would be" : "spec changes:"} a ${bump} version${report.changeset ? ` → ${report.changeset}` : ""}`,
          ...apis.flatMap((a) => a.changes.map((c) => `    [${c.bump}] ${a.api}: ${c.message}`)),
        ]
      : []),
  ];
  return [
    `${report.broker}${created}: ${parts.join(", ")} in ${report.ms} ms → ${report.packageDir}${skipped}`,
    ...notes,
  ].join("\n");
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

/** Whether an idempotency rule applies to one of `operations` (its templates matched against the rule's path patterns). */
function coversAnOperation(rule: NonNullable<ApiConfig["idempotency"]>, operations: ApiConfig["operations"]): boolean {
  if (!rule.paths) return true;
  const methods = new Set(rule.methods);
  const patterns = rule.paths.map((pattern) => compilePattern(pattern));
  return operations.some(
    ([method, template]) => methods.has(method) && patterns.some((match) => match(template) !== null),
  );
}

/** What the generated types leave to the client: the manifest's `clientFilled` parameters, the idempotency body field. */
function clientFilledRules(manifest: Manifest, config: ApiConfig): ClientFilledRules {
  const parameters = (manifest.clientFilled ?? [])
    .filter((entry): entry is typeof entry & { in: "query" | "header" } => entry.in !== "body")
    .map((entry) => ({ name: entry.name, in: entry.in, types: entry.types ?? "omit" }));
  const bodyFields: ClientFilledRules["bodyFields"][number][] = [];
  const rule = config.idempotency;
  if (rule?.bodyField) {
    const methods = new Set(rule.methods);
    const patterns = rule.paths?.map((pattern) => compilePattern(pattern));
    bodyFields.push({
      name: rule.bodyField,
      applies: (method, path) =>
        methods.has(method as HttpMethod) && (!patterns || patterns.some((match) => match(path) !== null)),
    });
  }
  for (const entry of manifest.clientFilled ?? []) {
    if (entry.in === "body" && entry.name !== rule?.bodyField)
      bodyFields.push({ name: entry.name, applies: () => true });
  }
  return { parameters, bodyFields };
}
