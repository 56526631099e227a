/** Raised before anything is written when a spec change would break users and `--allow-breaking` was not given. */
import { CodegenError } from "../errors.js";
import type { BrokerChanges } from "./assess.js";

export interface BreakingPackage {
  packageName: string;
  changes: BrokerChanges;
}

export class BreakingChangesError extends CodegenError {
  readonly packages: readonly BreakingPackage[];

  constructor(packages: readonly BreakingPackage[]) {
    const lines: string[] = [];
    let firstSpec: string | undefined;
    for (const { packageName, changes } of packages) {
      for (const api of changes.apis) {
        const breaking = api.changes.filter((c) => c.bump === "major");
        if (!breaking.length) continue;
        firstSpec ??= api.specPath;
        lines.push(`  ${packageName}, \`${api.api}\` API (${api.specPath}):`);
        for (const change of breaking) lines.push(`    - ${change.message}`);
      }
    }
    super(
      { file: firstSpec ?? "specs" },
      `the spec changes would break code written against the current package (a major version):\n${lines.join("\n")}\nNothing was written. To adopt them, run again with --allow-breaking (\`pnpm generate --allow-breaking\`); a major changeset is written.`,
    );
    this.name = "BreakingChangesError";
    this.packages = packages;
  }
}
