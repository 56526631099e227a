#!/usr/bin/env node
// `pnpm generate [broker…] [--check] [--allow-breaking]`: builds the generator if needed, scaffolds packages for new
// specs/<broker>/ folders (and links them with pnpm install), then regenerates every client.
// --check never writes and bypasses turbo's cache, so a hand-edited file cannot hide behind a cache hit.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { done, ensurePnpm, root, run, step, turbo } from "./lib.mjs";

const args = process.argv.slice(2);
const check = args.includes("--check");
// Spec changes that break users stop generation unless adopted explicitly (see docs/publishing.md).
const allowBreaking = args.includes("--allow-breaking");
const brokerArgs = args.filter((a) => !a.startsWith("--"));
ensurePnpm();
const bin = join(root, "packages/codegen/bin/brokerkit.mjs");

const buildGenerator = () => {
  const started = step("Building the code generator");
  turbo(["run", "build", "--filter=@brokerkit/codegen", "--output-logs=errors-only"]);
  done(started);
};

let started;
const brokers = readdirSync(join(root, "specs"), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(root, "specs", e.name, "broker.yaml")))
  .map((e) => e.name);
const hasPackage = (b) => existsSync(join(root, "packages", b, "package.json"));
// `pnpm generate alor` touches alor alone: another broker's folder, broken or new, is not its business.
const named = brokerArgs.length ? brokerArgs : brokers;
const unknown = named.filter((b) => !brokers.includes(b));
if (unknown.length) {
  console.error(
    `✗ no broker manifest specs/<broker>/broker.yaml for: ${unknown.join(", ")} (found: ${brokers.join(", ")})`,
  );
  process.exit(1);
}
const fresh = named.filter((b) => !hasPackage(b));

if (check) {
  buildGenerator();
  started = step("Checking that generated code is up to date");
  run("node", [bin, "generate", "--check", ...brokerArgs]);
  done(started);
} else {
  let failed = false;
  if (fresh.length) {
    buildGenerator();
    started = step(`Scaffolding new package(s): ${fresh.join(", ")}`);
    // Only the package around the code, so pnpm can link it: turbo generates the code below, once.
    // A broker that fails here is reported by the generator; the others go on.
    failed = run("node", [bin, "generate", "--scaffold-only", ...fresh], { allowFailure: true }) !== 0;
    if (fresh.some(hasPackage)) run("pnpm", ["install", "--prefer-offline"]);
    done(started);
  }
  // One turbo run: each broker's generate task depends on @brokerkit/codegen#build. --continue: a broker
  // whose task fails does not abort the others'; turbo still exits non-zero.
  started = step("Generating clients (turbo: only brokers whose spec changed run)");
  const filters = brokerArgs.filter(hasPackage).map((b) => `--filter=@brokerkit/${b}`);
  const passThrough = allowBreaking ? ["--", "--allow-breaking"] : [];
  const status =
    brokerArgs.length && !filters.length
      ? 0
      : turbo(["run", "generate", ...filters, "--continue", "--output-logs=new-only", ...passThrough], {
          allowFailure: true,
        });
  if (failed || status !== 0) {
    console.error("\n✗ some brokers failed to generate (see above); the others were generated");
    process.exit(1);
  }
  done(started);
}
