#!/usr/bin/env node
// The main job, from a fresh clone: install, regenerate and build every client, then run the
// demo of every broker against its local simulator. No account or network access needed.
import { buildWithProgress } from "./build-progress.mjs";
import { done, ensureSetup, run, step } from "./lib.mjs";

const total = performance.now();
ensureSetup();
let started = step("Regenerating every client from specs/");
run("node", ["scripts/generate.mjs"]);
done(started);
started = step("Building every package (one line per package; tsc is silent for minutes on a small machine)");
const buildStatus = await buildWithProgress();
if (buildStatus !== 0) {
  console.error(`\n✗ the build failed (exit ${buildStatus}); turbo's output above names the package`);
  process.exit(buildStatus);
}
done(started);
started = step("Running the demos against the local simulators");
run("node", ["scripts/demo.mjs"]);
done(started);
console.log(`\n✓ quick start finished in ${((performance.now() - total) / 1000).toFixed(1)} s`);
