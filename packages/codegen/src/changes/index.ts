export { type ApiChanges, type ApiSpecInput, assessChanges, type BrokerChanges } from "./assess.js";
export { BreakingChangesError } from "./breaking.js";
export { changesetFileName, renderChangeset } from "./changeset.js";
export { classifySpecChange } from "./classify.js";
export { documentsOf, type SpecDocuments } from "./documents.js";
export { readSnapshot, renderSnapshot, SNAPSHOT_FILE, type SpecSnapshot } from "./snapshot.js";
export { type Bump, highestBump, type SpecChange } from "./types.js";
