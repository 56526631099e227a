/** `brokerkit drift <broker> --against <file> [--api NAME] [--json [FILE]] [--fail-on CLASSES] …` */
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { problemText } from "../errors.js";
import { findRoot } from "../root.js";
import { drift } from "./drift.js";
import { renderReport, summaryLine } from "./render.js";
import type { DriftClass, DriftReport } from "./types.js";

export const DRIFT_USAGE = `Usage: brokerkit drift <broker> --against <file> [options]

Compares specs/<broker>/'s spec with one the broker publishes (OpenAPI 3.0/3.1, JSON or YAML):
operations missing or extra (matched by method and path template), and for each shared operation
its parameters, request body and success responses (name, type, enum values, required, nullable),
then servers and security schemes. Differences listed in specs/<broker>/drift-allow.yaml are
shown as allowed, with their reason, and not counted.

Options:
  --against FILE    the broker's spec (required)
  --api NAME        which API of the manifest (required when it has several, e.g. alpaca)
  --json [FILE]     write the report as JSON to FILE, or to stdout when FILE is omitted or "-"
                    (the table is then left out and the summary goes to stderr)
  --fail-on LIST    exit 1 when differences of these classes remain after the allow-list,
                    comma-separated: missing (operations we lack), fields (differences inside
                    shared operations), all (also extra operations, servers, security schemes).
                    Stale allow-list entries then fail too
  --allow FILE      allow-list (default: specs/<broker>/drift-allow.yaml when it exists)
  --root DIR        repository root (default: nearest folder with pnpm-workspace.yaml)
  --specs DIR       folder of broker spec folders (default: <root>/specs)
  -h, --help        show this help

Exit codes:
  0  the comparison ran, and nothing that --fail-on selects remains
  1  --fail-on: differences of a selected class remain, or allow-list entries are stale
  2  usage error (unknown option, missing broker or --against, bad --fail-on value)
  3  input error: a manifest, spec or allow-list that cannot be read or is invalid`;

const FAIL_CLASSES: Record<string, DriftClass[]> = {
  missing: ["missing"],
  fields: ["fields"],
  all: ["missing", "fields", "other"],
};

export async function runDrift(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    console.error(`brokerkit drift: ${(error as Error).message}\n\n${DRIFT_USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(DRIFT_USAGE);
    return 0;
  }
  const root = resolve(options.root ?? findRoot(process.cwd()));
  let report: DriftReport;
  try {
    report = await drift({
      specsDir: resolve(options.specs ?? join(root, "specs")),
      broker: options.broker,
      against: options.against,
      ...(options.api ? { api: options.api } : {}),
      ...(options.allow ? { allowFile: options.allow } : {}),
    });
  } catch (error) {
    const problem = problemText(error);
    if (problem === undefined) throw error;
    console.error(`brokerkit drift: ${problem}`);
    return 3;
  }
  const failing = new Set(options.failOn.flatMap((name) => FAIL_CLASSES[name] ?? []));
  const failed =
    [...failing].some((c) => report.summary[c] > 0) || (options.failOn.length > 0 && report.stale.length > 0);
  if (options.json !== undefined) {
    const text = `${JSON.stringify({ ...report, failOn: options.failOn, failed }, null, 2)}\n`;
    if (options.json === "-") {
      process.stdout.write(text);
      console.error(summaryLine(report));
    } else {
      await writeFile(resolve(options.json), text);
      console.log(renderReport(report));
    }
  } else console.log(renderReport(report));
  if (report.stale.length)
    console.error(
      `brokerkit drift: ${options.failOn.length ? "error" : "warning"}: stale allow-list entries in ${report.allowList} (they match no difference): ${report.stale.map((s) => s.at).join(", ")}`,
    );
  return failed ? 1 : 0;
}

function parse(argv: string[]) {
  // `--json` takes an optional file: a bare `--json` (last, or before another option) means stdout.
  const args = argv.map((arg, i) => {
    const next = argv[i + 1];
    return arg === "--json" && (next === undefined || (next.startsWith("-") && next !== "-")) ? "--json=-" : arg;
  });
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      against: { type: "string" },
      api: { type: "string" },
      json: { type: "string" },
      "fail-on": { type: "string" },
      allow: { type: "string" },
      root: { type: "string" },
      specs: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const failOn = (values["fail-on"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = failOn.filter((name) => !(name in FAIL_CLASSES));
  if (unknown.length)
    throw new Error(
      `unknown --fail-on value ${unknown.map((u) => `"${u}"`).join(", ")} (expected missing, fields, all)`,
    );
  if (values.help) return { ...values, help: true as const, failOn, broker: "", against: "" };
  if (positionals.length !== 1) throw new Error(positionals.length ? "give exactly one broker" : "missing <broker>");
  if (!values.against) throw new Error("missing --against <file>");
  return { ...values, failOn, broker: positionals[0] as string, against: values.against };
}
