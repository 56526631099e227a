/**
 * `brokerkit generate [broker…] [--check] [--allow-breaking] [--scaffold-only] [--root DIR] [--specs DIR] [--packages DIR] [--verbose]`
 * `brokerkit drift <broker> --against <file> …` (options in drift/cli.ts)
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BrokerFailures } from "./broker-failures.js";
import { problemText } from "./errors.js";
import { findRoot } from "./root.js";

const USAGE = `Usage: brokerkit generate [broker…] [options]
       brokerkit drift <broker> --against <file> [options]   (see brokerkit drift --help)

Generates packages/<broker>/ from specs/<broker>/ (OpenAPI specs + broker.yaml).
A broker whose folder is broken is reported; the others are still generated, and the exit code is 1.

Options:
  --check           write nothing; exit 1 when any generated file is stale
  --allow-breaking  adopt spec changes that break users (removed operations or fields, new
                    required parameters, narrowed types); without it they stop generation
                    before anything is written. Spec changes are written as a changeset
                    (in .changeset beside the specs folder)
  --scaffold-only   for brokers without a package yet, write only the package around the code
                    (package.json, turbo.json, smoke test); turbo generates the code after install
  --root DIR        repository root (default: nearest folder with pnpm-workspace.yaml)
  --specs DIR       folder of broker spec folders (default: <root>/specs)
  --packages DIR    folder of generated packages (default: <root>/packages)
  --verbose         also list spec entries left out of the runtime tables
  -h, --help        show this help`;

export async function main(argv: string[]): Promise<number> {
  // Each command loads only what it needs: generation pulls in the TypeScript compiler, drift does not.
  if (argv[0] === "drift") return (await import("./drift/cli.js")).runDrift(argv.slice(1));
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`brokerkit: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...brokers] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== "generate") {
    console.error(`brokerkit: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const root = resolve(values.root ?? findRoot(process.cwd()));
  const { generate } = await import("./generate.js");
  let failed: BrokerFailures | undefined;
  try {
    const reports = await generate({
      root,
      ...(values.specs ? { specsDir: resolve(values.specs) } : {}),
      ...(values.packages ? { packagesDir: resolve(values.packages) } : {}),
      brokers,
      check: values.check ?? false,
      allowBreaking: values["allow-breaking"] ?? false,
      scaffoldOnly: values["scaffold-only"] ?? false,
      log: (line) => console.log(line),
    }).catch((error: unknown) => {
      // The brokers that were generated are reported as usual, then the failed ones.
      if (!(error instanceof BrokerFailures)) throw error;
      failed = error;
      return error.reports as Awaited<ReturnType<typeof generate>>;
    });
    if (values.verbose) {
      for (const report of reports) for (const s of report.skipped) console.log(`  ${report.broker}: skipped ${s}`);
    }
    const stale = reports.flatMap((r) => r.stale.map((s) => `${r.packageDir}/${s}`));
    if (values.check && stale.length) {
      console.error(
        `\nbrokerkit: ${stale.length} generated file(s) are stale. Run \`pnpm generate\` and commit the result.`,
      );
    }
    if (failed) console.error(`\nbrokerkit: ${failed.summary()}`);
    if (failed || (values.check && stale.length)) return 1;
    if (reports.length === 0) console.log("brokerkit: no broker manifests found (specs/<broker>/broker.yaml)");
    return 0;
  } catch (error) {
    const problem = problemText(error);
    if (problem === undefined) throw error;
    console.error(`brokerkit: ${problem}`);
    return 1;
  }
}
function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      check: { type: "boolean" },
      "allow-breaking": { type: "boolean" },
      "scaffold-only": { type: "boolean" },
      root: { type: "string" },
      specs: { type: "string" },
      packages: { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
