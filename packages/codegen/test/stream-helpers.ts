/**
 * Generated stream clients import @brokerkit/stream. The generator itself does not depend on it (so
 * building the generator never waits for the runtime): a test workspace links the workspace's built
 * runtime where a generated package resolves it, as pnpm links it into a broker package.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, type TempWorkspace } from "./helpers.js";

export function linkStreamRuntime(ws: TempWorkspace): void {
  const scope = join(ws.root, "node_modules", "@brokerkit");
  mkdirSync(scope, { recursive: true });
  symlinkSync(join(packageRoot, "..", "stream"), join(scope, "stream"), "dir");
}
