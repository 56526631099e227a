/**
 * `brokerkit drift`: compares one of our specs (chosen by broker and API through its manifest) with a
 * spec the broker publishes, and applies the broker's allow-list.
 */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { documentsOf } from "../changes/documents.js";
import { CodegenError } from "../errors.js";
import { loadManifest } from "../manifest/load.js";
import { type LoadedSpec, loadSpec } from "../spec/load.js";
import { applyAllowList, loadAllowList } from "./allow.js";
import { compareOperations } from "./operations.js";
import { compareSpecWide } from "./spec-wide.js";
import type { DriftReport } from "./types.js";

export const ALLOW_FILE = "drift-allow.yaml";

export interface DriftOptions {
  /** Folder holding one sub-folder per broker (usually `<root>/specs`). */
  specsDir: string;
  broker: string;
  /** Required when the manifest has several APIs. */
  api?: string;
  /** The broker's spec: OpenAPI 3.0/3.1, JSON or YAML. */
  against: string;
  /** Default `<specsDir>/<broker>/drift-allow.yaml` (used when it exists). */
  allowFile?: string;
  /** Paths in the report and messages are relative to it. Default: the working directory. */
  displayBase?: string;
}

export async function drift(options: DriftOptions): Promise<DriftReport> {
  const base = options.displayBase ?? process.cwd();
  const display = (path: string) => relative(base, path).split("\\").join("/") || path;
  const brokerDir = join(resolve(options.specsDir), options.broker);
  const manifestFile = join(brokerDir, "broker.yaml");
  if (!existsSync(manifestFile))
    throw new CodegenError({ file: display(manifestFile) }, `no broker manifest found for "${options.broker}"`);
  const { manifest } = await loadManifest(manifestFile, display(manifestFile));
  const apiNames = Object.keys(manifest.apis);
  const api = options.api ?? (apiNames.length === 1 ? apiNames[0] : undefined);
  if (api === undefined || !manifest.apis[api]) {
    const detail =
      api === undefined
        ? `the manifest has several APIs; choose one with --api (${apiNames.join(", ")})`
        : `unknown api "${api}" (the manifest defines: ${apiNames.join(", ")})`;
    throw new CodegenError({ file: display(manifestFile), field: "apis" }, detail);
  }
  const ourFile = join(brokerDir, (manifest.apis[api] as { spec: string }).spec);
  const [ours, upstream] = await Promise.all([loadSpec(ourFile, base), loadUpstream(resolve(options.against), base)]);

  const upDocs = documentsOf(upstream);
  const ourDocs = documentsOf(ours);
  const compared = compareOperations(upDocs, ourDocs);
  const differences = [...compared.differences, ...compareSpecWide(upDocs, ourDocs)];

  const allowFile = resolve(options.allowFile ?? join(brokerDir, ALLOW_FILE));
  const hasAllowList = existsSync(allowFile);
  if (options.allowFile && !hasAllowList)
    throw new CodegenError({ file: display(allowFile) }, "allow-list file not found");
  const entries = hasAllowList ? await loadAllowList(allowFile, display(allowFile), api, apiNames) : [];
  const stale = applyAllowList(differences, entries);

  const open = differences.filter((d) => !d.allowed);
  return {
    broker: options.broker,
    api,
    ours: display(ourFile),
    upstream: display(upstream.file),
    ...(hasAllowList ? { allowList: display(allowFile) } : {}),
    operations: { ...compared.counts, ignored: compared.ignored },
    differences,
    stale,
    summary: {
      missing: open.filter((d) => d.class === "missing").length,
      fields: open.filter((d) => d.class === "fields").length,
      other: open.filter((d) => d.class === "other").length,
      allowed: differences.length - open.length,
      stale: stale.length,
    },
  };
}

/** The broker's spec; Swagger 2.0 gets a message that fits this command rather than the manifest. */
async function loadUpstream(file: string, base: string): Promise<LoadedSpec> {
  try {
    return await loadSpec(file, base);
  } catch (error) {
    if (error instanceof CodegenError && error.location.field === "swagger") {
      const version = /Swagger (\S+) document/.exec(error.detail)?.[1] ?? "2.0";
      throw new CodegenError(
        error.location,
        `this is a Swagger ${version} document; drift compares OpenAPI 3.0 or 3.1 specs. Convert it first (for example with swagger2openapi) and pass the converted file to --against`,
      );
    }
    throw error;
  }
}
