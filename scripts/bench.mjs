#!/usr/bin/env node
// `pnpm bench [suite…]`: builds the bench harness (packages/bench) and every package it measures, then
// runs the suites: request overhead, throttle fidelity, single flight, bundle size, generation cost and
// a CPU profile of the stack. Results go to packages/bench/results/. Not part of `npm test`.
// BENCH_QUICK=1 runs fewer rounds, for trying the harness.
import { join } from "node:path";
import { done, ensurePnpm, root, run, step, turbo } from "./lib.mjs";

ensurePnpm();
const started = step("Building the bench harness and the packages it measures");
turbo(["run", "build", "--filter=@brokerkit/bench", "--output-logs=errors-only"]);
done(started);
run("node", [join(root, "packages/bench/dist/main.js"), ...process.argv.slice(2)]);
