/** Every check on one packed package, collected (not thrown) so one run reports every problem. */
import {
  checkContents,
  checkDependencies,
  checkManifest,
  checkSourceMapReferences,
  checkStaleOutputs,
  type Expectations,
  type Problem,
} from "./checks.js";
import { runAttw, runPublint } from "./linters.js";
import type { PackedPackage } from "./pack.js";

export interface Inspection {
  problems: Problem[];
  notes: string[];
}

export async function inspectPackage(packed: PackedPackage, expectations: Expectations): Promise<Inspection> {
  const names = [...packed.files.keys()];
  const publint = await runPublint(packed.tarball);
  const attw = runAttw(packed.tarball);
  return {
    problems: [
      ...checkContents(names, expectations),
      ...checkSourceMapReferences(packed.files),
      ...checkStaleOutputs(packed.pkg.dir, names),
      ...checkManifest(packed.manifest, expectations),
      ...checkDependencies(packed.manifest, packed.files, packed.pkg.dir),
      ...publint.problems,
      ...attw.problems,
    ],
    notes: [...(packed.files.has("README.md") ? [] : ["no README.md"]), ...publint.notes],
  };
}
