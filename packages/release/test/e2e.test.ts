/**
 * End to end: pack and check every public package, publish it to an embedded Verdaccio, then install
 * single packages into fresh applications outside the workspace and use them, on the workspace's Node
 * and on Node 22 and 24 (binaries from the node-<platform>-<arch> npm packages).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlorSimulator } from "../../testing/src/alor/index.js";
import { ALPACA_SIMULATOR_DEFAULTS, startAlpacaSimulator } from "../../testing/src/alpaca/index.js";
import { inspectPackage } from "../src/inspect.js";
import { type PackedPackage, packPackage } from "../src/pack.js";
import { EXTRA_RUNTIMES, expectationsFor, NODE_RANGE } from "../src/policy.js";
import { publishedVersions, publishTarball, type RegistryTarget } from "../src/publish.js";
import { type EmbeddedRegistry, startEmbeddedRegistry } from "../src/registry.js";
import { publicPackages, workspacePackages } from "../src/workspace.js";
import { type Consumer, createConsumer } from "./support/consumer.js";
import { installRuntime, type Runtime } from "./support/runtimes.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const work = mkdtempSync(join(tmpdir(), "brokerkit-e2e-"));
const runtimeCache = join(root, "node_modules", ".cache", "brokerkit-runtimes");
const BROKERS = ["@brokerkit/alor", "@brokerkit/alpaca", "@brokerkit/saxo"];

let registry: EmbeddedRegistry;
let target: RegistryTarget;
const packed: PackedPackage[] = [];
let runtimes: Promise<Runtime[]>;

beforeAll(async () => {
  // Node 22 and 24 download while the packages are packed and published.
  runtimes = Promise.all(EXTRA_RUNTIMES.map((major) => installRuntime(major, runtimeCache)));
  runtimes.catch(() => {});
  registry = await startEmbeddedRegistry({ dir: join(work, "registry") });
  target = { url: registry.url, userconfig: registry.userconfig, secrets: [registry.token] };
  for (const pkg of publicPackages(root)) {
    const tarball = await packPackage(pkg, join(work, "tarballs"));
    packed.push(tarball);
    publishTarball(tarball.tarball, pkg.version, target);
  }
});

afterAll(async () => {
  // Runtime installs are child processes too: let them end before the folder goes.
  await runtimes?.catch(() => {});
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("publishing", () => {
  it("publishes every public package, the generator and the middleware among them", () => {
    const names = packed.map((p) => p.pkg.name);
    expect(names).toEqual(expect.arrayContaining(["@brokerkit/middleware", "@brokerkit/codegen", ...BROKERS]));
    expect(names).not.toContain("@brokerkit/testing");
    expect(names).not.toContain("@brokerkit/demo");
    // Dependencies first: the middleware precedes everything that needs it.
    expect(names[0]).toBe("@brokerkit/middleware");
    for (const p of packed) expect(publishedVersions(p.pkg.name, target).has(p.pkg.version), p.pkg.name).toBe(true);
  });

  it("publishes real versions for workspace: ranges, and declares the tested Node range", () => {
    for (const p of packed) {
      const text = JSON.stringify(p.manifest);
      expect(text, p.pkg.name).not.toContain("workspace:");
      expect((p.manifest.engines as { node: string }).node, p.pkg.name).toBe(NODE_RANGE);
    }
    const alpaca = packed.find((p) => p.pkg.name === "@brokerkit/alpaca") as PackedPackage;
    const middleware = packed.find((p) => p.pkg.name === "@brokerkit/middleware") as PackedPackage;
    expect((alpaca.manifest.dependencies as Record<string, string>)["@brokerkit/middleware"]).toBe(
      `^${middleware.pkg.version}`,
    );
    expect(alpaca.manifest.dependencies).not.toHaveProperty("@brokerkit/codegen");
  });

  it("every package passes the checks: contents, package.json, dependencies, publint, attw", async () => {
    const all = workspacePackages(root);
    for (const p of packed) {
      const { problems } = await inspectPackage(p, expectationsFor(p.pkg, all, root));
      expect(problems, p.pkg.name).toEqual([]);
      for (const file of p.files.keys()) expect(file, p.pkg.name).not.toMatch(/\.map$|(^|\/)test\/|\.test\.js$/);
    }
  });
});

const alpacaFiles = {
  "run.mjs": `// Uses the published package against the simulator whose URL the test passes in.
import { createTradingClient } from "@brokerkit/alpaca/trading";

const url = process.env.BROKERKIT_SIMULATOR_URL;
const client = createTradingClient({
  environment: "paper",
  credentials: { keyId: process.env.ALPACA_KEY_ID, secretKey: process.env.ALPACA_SECRET_KEY },
  servers: { trading: url, data: url, broker: url, authx: url },
});
const { data, error, response } = await client.GET("/v2/account");
if (error) {
  console.error("GET /v2/account failed with HTTP " + response.status);
  process.exit(1);
}
console.log(JSON.stringify({ node: process.version, status: response.status, result: data.id }));
`,
  "check.ts": `import { createTradingClient } from "@brokerkit/alpaca";

const client = createTradingClient({ environment: "paper", credentials: { keyId: "id", secretKey: "secret" } });

export async function accountId(): Promise<string | undefined> {
  const { data } = await client.GET("/v2/account");
  // @ts-expect-error the account id is typed as a string
  const wrong: number | undefined = data?.id;
  void wrong;
  return data?.id;
}

export async function unknownPath(): Promise<void> {
  // @ts-expect-error an unknown path is a type error
  await client.GET("/v2/no-such-path");
}
`,
};

const alorFiles = {
  "run.mjs": `// Uses the published package against the simulator whose URL the test passes in.
import { createAlorClient } from "@brokerkit/alor";

const url = process.env.BROKERKIT_SIMULATOR_URL;
const client = createAlorClient({
  environment: "test",
  credentials: { refreshToken: process.env.ALOR_REFRESH_TOKEN },
  servers: { api: url, oauth: url },
});
const { data, error, response } = await client.GET("/md/v2/time");
if (error) {
  console.error("GET /md/v2/time failed with HTTP " + response.status);
  process.exit(1);
}
console.log(JSON.stringify({ node: process.version, status: response.status, result: data }));
`,
  "check.ts": `import { createAlorClient } from "@brokerkit/alor";

const client = createAlorClient({ environment: "test", credentials: { refreshToken: "token" } });

export async function serverTime(): Promise<number | undefined> {
  const { data } = await client.GET("/md/v2/time");
  // @ts-expect-error the server time is typed as a number
  const wrong: string | undefined = data;
  void wrong;
  return data;
}

export async function unknownPath(): Promise<void> {
  // @ts-expect-error an unknown path is a type error
  await client.GET("/md/v2/no-such-path");
}
`,
};

interface Case {
  broker: string;
  files: Record<string, string>;
  start(): Promise<{ url: string; env: Record<string, string>; requests(): number; close(): Promise<void> }>;
}

const cases: Case[] = [
  {
    broker: "alpaca",
    files: alpacaFiles,
    async start() {
      const sim = await startAlpacaSimulator();
      return {
        url: sim.url,
        env: { ALPACA_KEY_ID: ALPACA_SIMULATOR_DEFAULTS.keyId, ALPACA_SECRET_KEY: ALPACA_SIMULATOR_DEFAULTS.secretKey },
        requests: () => sim.arrivals.filter((a) => a.path === "/v2/account").length,
        close: () => sim.close(),
      };
    },
  },
  {
    broker: "alor",
    files: alorFiles,
    async start() {
      const sim = await startAlorSimulator();
      return {
        url: sim.url,
        env: { ALOR_REFRESH_TOKEN: sim.refreshToken },
        requests: () => sim.arrivals.filter((a) => a.path === "/md/v2/time").length,
        close: () => sim.close(),
      };
    },
  },
];

describe.each(cases)("an application that installs only @brokerkit/$broker", ({ broker, files, start }) => {
  let consumer: Consumer;
  beforeAll(() => {
    consumer = createConsumer(join(work, `consumer-${broker}`), registry.url, `@brokerkit/${broker}`, files);
  });

  it("gets that broker and the middleware, and no other broker, generator or simulator", () => {
    expect(consumer.brokerkitPackages()).toEqual([broker, "middleware"].sort());
    const lock = readFileSync(join(consumer.dir, "package-lock.json"), "utf8");
    for (const other of [...BROKERS, "@brokerkit/codegen", "@brokerkit/testing"]) {
      if (other !== `@brokerkit/${broker}`) expect(lock).not.toContain(`node_modules/${other}"`);
    }
  });

  it("type-checks a typed call; an unknown path is a type error", () => {
    expect(consumer.typecheck()).toBe("");
  });

  it("runs against the simulator on this Node and on Node 22 and 24", async () => {
    const sim = await start();
    try {
      const nodes = [
        { major: process.versions.node.split(".")[0] as string, node: process.execPath },
        ...(await runtimes),
      ];
      for (const [index, { major, node }] of nodes.entries()) {
        const result = await consumer.run(node, ["run.mjs"], { ...sim.env, BROKERKIT_SIMULATOR_URL: sim.url });
        expect(result.stderr, `Node ${major}`).toBe("");
        expect(result.status, `Node ${major}`).toBe(0);
        const output = JSON.parse(result.stdout) as { node: string; status: number; result: unknown };
        expect(output.node.startsWith(`v${major}.`)).toBe(true);
        expect(output.status).toBe(200);
        expect(output.result).toBeTruthy();
        expect(sim.requests()).toBe(index + 1);
      }
    } finally {
      await sim.close();
    }
  });
});

describe("the published generator", () => {
  it("installs alone and generates the same package on this Node and on Node 24", async () => {
    const dir = join(work, "consumer-codegen");
    const consumer = createConsumer(dir, registry.url, "@brokerkit/codegen", {});
    expect(consumer.brokerkitPackages()).toEqual(["codegen", "middleware"]);
    mkdirSync(join(dir, "specs"), { recursive: true });
    cpSync(join(root, "packages/codegen/test/fixtures/minibroker"), join(dir, "specs/minibroker"), { recursive: true });
    const bin = join(dir, "node_modules/@brokerkit/codegen/bin/brokerkit.mjs");
    const generated = await consumer.run(process.execPath, [bin, "generate", "--root", dir], {});
    expect(generated.stderr).toBe("");
    expect(generated.status).toBe(0);
    expect(generated.stdout).toContain("minibroker (new package)");
    const node24 = (await runtimes).find((r) => r.major === "24") as Runtime;
    const checked = await consumer.run(node24.node, [bin, "generate", "--check", "--root", dir], {});
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain("files up to date");
  });
});
