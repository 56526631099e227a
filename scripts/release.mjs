#!/usr/bin/env node
// `pnpm release [--registry URL] [--keep] [--no-version] [--dry-run]`: builds the release tooling
// (packages/release, which builds every package it publishes first), then runs it. See docs/publishing.md.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { done, ensurePnpm, root, run, step } from "./lib.mjs";

ensurePnpm();
const started = step("Building the release tooling");
run("pnpm", ["exec", "turbo", "run", "build", "--filter=@brokerkit/release", "--output-logs=errors-only"]);
done(started);
const { main } = await import(pathToFileURL(join(root, "packages/release/dist/cli.js")).href);
process.exitCode = await main(process.argv.slice(2), root);
