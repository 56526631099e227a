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
const fresh = brokers.filter((b) => !existsSync(join(root, "packages", b, "package.json")));

if (check) {
  buildGenerator();
  started = step("Checking that generated code is up to date");
  run("node", [bin, "generate", "--check", ...brokerArgs]);
  done(started);
} else {
  if (fresh.length) {
    buildGenerator();
    started = step(`Scaffolding new package(s): ${fresh.join(", ")}`);
    run("node", [bin, "generate", ...fresh]);
    run("pnpm", ["install", "--prefer-offline"]);
    done(started);
  }
  // One turbo run: each broker's generate task depends on @brokerkit/codegen#build.
  started = step("Generating clients (turbo: only brokers whose spec changed run)");
  const filters = brokerArgs.map((b) => `--filter=@brokerkit/${b}`);
  const passThrough = allowBreaking ? ["--", "--allow-breaking"] : [];
  turbo(["run", "generate", ...filters, "--output-logs=new-only", ...passThrough]);
  done(started);
}
