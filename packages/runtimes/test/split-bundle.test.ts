/**
 * What the broker packages load with `import()` on first use, in an app bundled with code splitting:
 * esbuild must put it in chunks of its own that the entry does not import statically (so an app that
 * never logs in, streams or opens an event stream never loads them), and those chunks must load and run
 * when the feature is used: the bundle runs in Node against the Saxo and Alpaca simulators.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type AlpacaSimulator, startAlpacaSimulator } from "@brokerkit/testing/alpaca/index";
import { type SaxoSimulator, startSaxoSimulator } from "@brokerkit/testing/saxo/index";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS, PACKAGE_DIR, runProcess } from "../src/cells.js";

const OUT_DIR = join(PACKAGE_DIR, ".tmp", "split-bundle");
/** The modules the packages import lazily, as esbuild names their inputs. */
const LAZY_MODULES = [
  "saxo/dist/login-complete.js",
  "saxo/dist/streaming-connection.js",
  "saxo/dist/streaming-reauthorize.js",
  "alpaca/dist/broker/event-stream-connection.js",
];

let saxo: SaxoSimulator;
let alpaca: AlpacaSimulator;
let metafile: Metafile;

beforeAll(async () => {
  // Saxo redirects the login back here; the runner reads the redirect instead of following it.
  const redirectUri = "http://127.0.0.1:9/callback";
  [saxo, alpaca] = await Promise.all([startSaxoSimulator({ redirectUri }), startAlpacaSimulator()]);
  rmSync(OUT_DIR, { recursive: true, force: true });
  const result = await build({
    entryPoints: { runner: join(CLIENTS, "split-runner.mjs") },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    metafile: true,
    logLevel: "silent",
  });
  metafile = result.metafile;
});

afterAll(async () => {
  await Promise.all([saxo?.close(), alpaca?.close()]);
});

/** The outputs an output imports, transitively, by the kinds given. */
function reach(output: string, kinds: string[], seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return seen;
  seen.add(output);
  for (const item of metafile.outputs[output]?.imports ?? []) {
    if (!item.external && kinds.includes(item.kind)) reach(item.path, kinds, seen);
  }
  return seen;
}

describe("a code-split bundle of @brokerkit/saxo and @brokerkit/alpaca", () => {
  it("puts the lazily imported modules in chunks the entry reaches only through import()", () => {
    const entry = Object.keys(metafile.outputs).find((path) => metafile.outputs[path]?.entryPoint) ?? "";
    const upFront = reach(entry, ["import-statement"]);
    const loadable = reach(entry, ["import-statement", "dynamic-import"]);
    const chunkOf = (module: string) =>
      Object.keys(metafile.outputs).find((path) =>
        Object.keys(metafile.outputs[path]?.inputs ?? {}).some((input) => input.endsWith(module)),
      );
    for (const module of LAZY_MODULES) {
      const chunk = chunkOf(module);
      expect(chunk, `${module} is bundled`).toBeDefined();
      expect(upFront.has(chunk as string), `${module} is not loaded up front`).toBe(false);
      expect(loadable.has(chunk as string), `${module} is reachable through import()`).toBe(true);
    }
  });

  it("loads and runs those chunks: Saxo's login and streaming hand-off, Alpaca's event stream", async () => {
    const config = {
      saxo: { servers: saxo.servers, appKey: saxo.app.appKey, redirectUri: saxo.app.redirectUri },
      alpaca: { url: alpaca.url, ...alpaca.credentials },
    };
    const runner = join(OUT_DIR, "runner.js");
    const outcome = await runProcess(process.execPath, [runner, JSON.stringify(config)]);
    expect(outcome).toEqual({ ok: true, summary: "login, streaming hand-off; event stream: new, fill" });
  });
});
