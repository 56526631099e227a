/**
 * What the broker packages load with `import()` on first use (Saxo's login completion and streaming
 * hand-off, Alpaca's event-stream connection loop). In an app bundled with code splitting, esbuild must
 * put it in chunks the entry does not import statically (so an app that never logs in, streams or opens
 * an event stream never loads them), and those chunks must load and run when the feature is used; with
 * `require`, the CommonJS build must load the `.cjs` copies the same way. Both run
 * clients/lazy-features.cjs in Node against fresh Saxo and Alpaca simulators.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startAlpacaSimulator } from "@brokerkit/testing/alpaca/index";
import { startSaxoSimulator } from "@brokerkit/testing/saxo/index";
import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { CLIENTS, type Outcome, PACKAGE_DIR, runProcess } from "../src/cells.js";

const OUT_DIR = join(PACKAGE_DIR, ".tmp", "split-bundle");
/** The modules the packages import lazily, as esbuild names their inputs. */
const LAZY_MODULES = [
  "saxo/dist/login-complete.js",
  "saxo/dist/streaming-connection.js",
  "saxo/dist/streaming-reauthorize.js",
  "alpaca/dist/broker/event-stream-connection.js",
];
const EXPECTED: Outcome = { ok: true, summary: "login, streaming hand-off; event stream: new, fill" };

/** Runs a runner script with fresh simulators (an earlier run's orders would show in the event stream). */
async function runWithSimulators(script: string): Promise<Outcome> {
  // Saxo redirects the login back here; the runner reads the redirect instead of following it.
  const redirectUri = "http://127.0.0.1:9/callback";
  const [saxo, alpaca] = await Promise.all([startSaxoSimulator({ redirectUri }), startAlpacaSimulator()]);
  try {
    const config = {
      saxo: { servers: saxo.servers, appKey: saxo.app.appKey, redirectUri },
      alpaca: { url: alpaca.url, ...alpaca.credentials },
    };
    return await runProcess(process.execPath, [script, JSON.stringify(config)]);
  } finally {
    await Promise.all([saxo.close(), alpaca.close()]);
  }
}

describe("a code-split bundle of @brokerkit/saxo and @brokerkit/alpaca", () => {
  let metafile: Metafile;

  beforeAll(async () => {
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

  /** The outputs an output imports, transitively, by the kinds given. */
  function reach(output: string, kinds: string[], seen = new Set<string>()): Set<string> {
    if (seen.has(output)) return seen;
    seen.add(output);
    for (const item of metafile.outputs[output]?.imports ?? []) {
      if (!item.external && kinds.includes(item.kind)) reach(item.path, kinds, seen);
    }
    return seen;
  }

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
    expect(await runWithSimulators(join(OUT_DIR, "runner.js"))).toEqual(EXPECTED);
  });
});

describe("require() of @brokerkit/saxo and @brokerkit/alpaca", () => {
  it("loads and runs the lazily required .cjs modules the same way", async () => {
    expect(await runWithSimulators(join(CLIENTS, "lazy-cjs.cjs"))).toEqual(EXPECTED);
  });
});
