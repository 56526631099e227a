#!/usr/bin/env node
// `pnpm drift <broker> --against <file> [--api NAME] [--json [FILE]] [--fail-on missing,fields,all]`: builds the code
// generator if needed, then runs `brokerkit drift` with the arguments as given (paths relative to where you typed
// the command) and exits with its exit code. See `pnpm drift --help`.
import { join } from "node:path";
import { ensurePnpm, root, run, turbo } from "./lib.mjs";

ensurePnpm();
// turbo's progress goes to stderr, so `pnpm drift … --json` leaves only the report on stdout.
turbo(["run", "build", "--filter=@brokerkit/codegen", "--output-logs=errors-only"], { stdio: ["ignore", 2, 2] });
const status = run("node", [join(root, "packages/codegen/bin/brokerkit.mjs"), "drift", ...process.argv.slice(2)], {
  cwd: process.env.INIT_CWD ?? process.cwd(),
  allowFailure: true,
});
process.exit(status ?? 1);
