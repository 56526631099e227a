/**
 * The package's turbo.json: its `generate` task's inputs are the broker's spec folder and every file
 * outside it that a spec reaches through `$ref`. Without them, editing a shared schema file left the
 * output stale behind turbo's cache. The generator owns `tasks.generate`; everything else is kept.
 */
import { relative, sep } from "node:path";
import { json } from "../emit/package.js";
import { CodegenError } from "../errors.js";

export interface TurboJsonInput {
  /** The current turbo.json text (or the scaffold's). */
  existing: string;
  existingPath: string;
  root: string;
  specDir: string;
  /** Absolute paths of every document the specs reach. */
  referenced: ReadonlySet<string>;
}

export interface ManagedTurboJson {
  text: string;
  /** Referenced files turbo cannot hash (outside the repository), for the report. */
  untracked: string[];
}

export function managedTurboJson({
  existing,
  existingPath,
  root,
  specDir,
  referenced,
}: TurboJsonInput): ManagedTurboJson {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(existing) as Record<string, unknown>;
  } catch (error) {
    throw new CodegenError({ file: existingPath }, `invalid JSON: ${(error as Error).message}`);
  }
  const posix = (path: string) => path.split(sep).join("/");
  const folder = posix(relative(root, specDir));
  const outside: string[] = [];
  const untracked: string[] = [];
  for (const file of referenced) {
    const rel = posix(relative(root, file));
    if (rel.startsWith("../") || rel === "..")
      untracked.push(`${rel}: referenced from the spec but outside the repository, so turbo cannot notice edits to it`);
    else if (!rel.startsWith(`${folder}/`)) outside.push(`$TURBO_ROOT$/${rel}`);
  }
  const tasks = (value.tasks ?? {}) as Record<string, unknown>;
  const generate = (tasks.generate ?? {}) as Record<string, unknown>;
  value.tasks = {
    ...tasks,
    generate: {
      ...generate,
      inputs: [`$TURBO_ROOT$/${folder}/**`, ...outside.sort()],
      outputs: ["src/generated/**"],
      dependsOn: ["@brokerkit/codegen#build"],
    },
  };
  return { text: json(value), untracked: untracked.sort() };
}
