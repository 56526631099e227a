/**
 * The runtime matrix: every runtime × every broker, each cell a real client run against its
 * simulator. Node 20 is the running Node; 22, 24, Bun, Deno and workerd come from npm packages
 * (src/runtimes.ts); Chromium is Debian's. The table of every cell is printed at the end.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type PageServer, runInChromium, startPageServer } from "../src/browser.js";
import { CLIENTS, type Outcome, runProcess, startWorkerd, type Workerd } from "../src/cells.js";
import { RUNTIME_CACHE, runtimeBinary, versionOf } from "../src/runtimes.js";
import { type Simulators, startSimulators } from "../src/simulators.js";

const BROKERS = ["alor", "alpaca", "saxo"] as const;
type Broker = (typeof BROKERS)[number];
const LABEL: Record<Broker, string> = { alor: "ALOR", alpaca: "Alpaca", saxo: "Saxo" };

let page: PageServer;
let sims: Simulators;
let workerd: Workerd | undefined;
let browser: Browser | undefined;
const table = new Map<string, Map<Broker, Outcome>>();
const versions = new Map<string, string>();

interface Runtime {
  name: string;
  run(broker: Broker): Promise<Outcome>;
}

/** The binary, with its version noted for the table. */
const located = async (name: string, binary: Promise<string>) => {
  const path = await binary;
  if (!versions.has(name)) versions.set(name, versionOf(path));
  return path;
};
const node = (name: string, binary: () => Promise<string>, format: "esm" | "cjs"): Runtime => ({
  name,
  run: async (broker) =>
    runProcess(await located(name.split(" ").slice(0, 2).join(" "), binary()), [
      `${CLIENTS}/node-${format}.${format === "esm" ? "mjs" : "cjs"}`,
      broker,
      json(),
    ]),
});
const json = () => JSON.stringify(sims.config);

const RUNTIMES: Runtime[] = [
  node("Node 20 ESM", async () => process.execPath, "esm"),
  node("Node 20 CJS", async () => process.execPath, "cjs"),
  node("Node 22 ESM", () => runtimeBinary("node-22"), "esm"),
  node("Node 22 CJS", () => runtimeBinary("node-22"), "cjs"),
  node("Node 24 ESM", () => runtimeBinary("node-24"), "esm"),
  node("Node 24 CJS", () => runtimeBinary("node-24"), "cjs"),
  {
    name: "Bun",
    run: async (broker) =>
      runProcess(await located("Bun", runtimeBinary("bun")), [`${CLIENTS}/node-esm.mjs`, broker, json()]),
  },
  {
    name: "Deno",
    run: async (broker) =>
      runProcess(
        await located("Deno", runtimeBinary("deno")),
        ["run", "--allow-all", `${CLIENTS}/node-esm.mjs`, broker, json()],
        {
          DENO_DIR: `${RUNTIME_CACHE}/deno-dir`,
          DENO_NO_UPDATE_CHECK: "1",
        },
      ),
  },
  {
    name: "workerd",
    run: async (broker) => {
      workerd ??= await startWorkerd(await located("workerd", runtimeBinary("workerd")));
      return workerd.run(broker, sims.config);
    },
  },
  {
    name: "Chromium",
    run: async (broker) => {
      browser ??= await launchChromium();
      versions.set("Chromium", browser.version());
      return runInChromium(browser, page.origin, broker, sims.config);
    },
  },
];

beforeAll(async () => {
  page = await startPageServer();
  sims = await startSimulators(page.origin);
});

afterAll(async () => {
  await browser?.close();
  await workerd?.close();
  await sims?.close();
  await page?.close();
  const rows = RUNTIMES.map((runtime) => {
    const cells = BROKERS.map((broker) => {
      const outcome = table.get(runtime.name)?.get(broker);
      return outcome === undefined ? "not run" : outcome.ok ? "ok" : "FAILED";
    });
    return `| ${runtime.name.padEnd(12)} | ${cells.map((cell) => cell.padEnd(7)).join(" | ")} |`;
  });
  const header = `| ${"runtime".padEnd(12)} | ${BROKERS.map((b) => LABEL[b].padEnd(7)).join(" | ")} |`;
  console.log(
    ["", "runtime matrix:", header, ...rows, `versions: ${[...versions].map(([k, v]) => `${k} ${v}`).join(", ")}`].join(
      "\n",
    ),
  );
});

describe("runtime × broker matrix", () => {
  for (const runtime of RUNTIMES) {
    it(`${runtime.name}: ${BROKERS.map((b) => LABEL[b]).join(", ")}`, async () => {
      const row = new Map<Broker, Outcome>();
      table.set(runtime.name, row);
      // A runtime's three cells run one after another: Chromium and workerd share one instance.
      for (const broker of BROKERS) row.set(broker, await runtime.run(broker));
      expect(Object.fromEntries(row)).toEqual(
        Object.fromEntries(BROKERS.map((broker) => [broker, expect.objectContaining({ ok: true })])),
      );
    });
  }

  it("Saxo stayed sticky in every runtime: probes ran, and no call reached a server it was not pinned to", () => {
    expect(sims.saxo.probes.length).toBeGreaterThanOrEqual(RUNTIMES.length);
    expect(sims.saxo.counters.wrongBackend).toBe(0);
  });
});
