/**
 * Before a broker package is rewritten: compares each API's spec with its snapshot and decides the
 * version bump. New packages and APIs without a snapshot yet only record a baseline.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { classifySpecChange } from "./classify.js";
import type { SpecDocuments } from "./documents.js";
import { readSnapshot, SNAPSHOT_FILE } from "./snapshot.js";
import { type Bump, highestBump, type SpecChange } from "./types.js";

export interface ApiSpecInput {
  api: string;
  /** Spec path as shown to people, e.g. `specs/alpaca/trading.yaml`. */
  specPath: string;
  sha256: string;
  documents: SpecDocuments;
}

export interface ApiChanges {
  api: string;
  specPath: string;
  /** `baseline`: no snapshot to compare with yet, so no changeset. */
  status: "baseline" | "unchanged" | "changed" | "added" | "removed";
  changes: SpecChange[];
}

export interface BrokerChanges {
  /** Highest bump over every API; undefined when nothing needs a release. */
  bump?: Bump;
  apis: ApiChanges[];
  /** Identifies this transition (snapshots before, specs after), for a stable changeset file name. */
  fingerprint: string;
}

export async function assessChanges(options: {
  packageDir: string;
  /** Path prefix for messages, e.g. `packages/alpaca`. */
  displayDir: string;
  apis: readonly ApiSpecInput[];
}): Promise<BrokerChanges> {
  const generated = join(options.packageDir, "src/generated");
  const existing = await snapshotApis(generated);
  const hash = createHash("sha256");
  const apis: ApiChanges[] = [];
  for (const input of options.apis) {
    const file = join(generated, input.api, SNAPSHOT_FILE);
    const previous = await readSnapshot(file, `${options.displayDir}/src/generated/${input.api}/${SNAPSHOT_FILE}`);
    hash.update(`${input.api}\0${previous?.sha256 ?? "-"}\0${input.sha256}\0`);
    const base = { api: input.api, specPath: input.specPath };
    if (!previous) {
      apis.push(
        existing.length
          ? { ...base, status: "added", changes: [{ bump: "minor", message: `Added the \`${input.api}\` API` }] }
          : { ...base, status: "baseline", changes: [] },
      );
    } else if (previous.sha256 === input.sha256) {
      apis.push({ ...base, status: "unchanged", changes: [] });
    } else {
      const changes = classifySpecChange(previous, input.documents);
      apis.push({ ...base, status: changes.length ? "changed" : "unchanged", changes });
    }
  }
  for (const api of existing) {
    if (options.apis.some((a) => a.api === api)) continue;
    hash.update(`${api}\0removed\0`);
    apis.push({
      api,
      specPath: `${options.displayDir}/src/generated/${api}/${SNAPSHOT_FILE}`,
      status: "removed",
      changes: [{ bump: "major", message: `Removed the \`${api}\` API` }],
    });
  }
  const bump = highestBump(apis.flatMap((a) => a.changes.map((c) => c.bump)));
  return { ...(bump ? { bump } : {}), apis, fingerprint: hash.digest("hex") };
}

async function snapshotApis(generated: string): Promise<string[]> {
  if (!existsSync(generated)) return [];
  const entries = await readdir(generated, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(generated, e.name, SNAPSHOT_FILE)))
    .map((e) => e.name)
    .sort();
}
