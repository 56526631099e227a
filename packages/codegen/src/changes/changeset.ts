/**
 * Writes what a spec change means for a package as a changeset (`.changeset/<name>.md`), which
 * `changeset version` turns into a version bump and a CHANGELOG entry at release time.
 */
import type { ApiChanges } from "./assess.js";
import type { Bump } from "./types.js";

export interface ChangesetInput {
  packageName: string;
  bump: Bump;
  apis: readonly ApiChanges[];
}

/** Same inputs, same name: regenerating never piles up duplicates. */
export function changesetFileName(broker: string, fingerprint: string): string {
  return `${broker}-spec-${fingerprint.slice(0, 10)}.md`;
}

export function renderChangeset({ packageName, bump, apis }: ChangesetInput): string {
  const changed = apis.filter((api) => api.changes.length);
  const sections = changed.map((api) => {
    const lines = api.changes.map((c) => `- ${c.bump === "major" ? "**Breaking:** " : ""}${c.message}`);
    return `\`${api.api}\` API (${api.specPath}):\n\n${lines.join("\n")}`;
  });
  const headline = {
    major: "Breaking changes from the broker's spec",
    minor: "New API surface from the broker's spec",
    patch: "Documentation and details from the broker's spec",
  }[bump];
  return `---\n${JSON.stringify(packageName)}: ${bump}\n---\n\n${headline}.\n\n${sections.join("\n\n")}\n`;
}
