/**
 * Every fenced TypeScript block of the READMEs is type-checked (strict, one program for all) and run
 * in its own Node process against the simulators, unless it is marked `<!-- fragment: reason -->`.
 * A block runs after its README's `<!-- setup -->` blocks. A failure names the README and the line
 * of the block's opening fence; type errors and stack traces point at README lines too.
 */
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlockModule, blockModule } from "../src/block-module.js";
import { type CompiledModule, compileModules } from "../src/compile.js";
import { type ReadmeBlock, readmeBlocks, readmeFiles } from "../src/readme-blocks.js";
import { runModule, toReadmePositions } from "../src/run-module.js";
import { type ExampleServers, startExampleServers } from "../src/simulators.js";

const root = resolve(import.meta.dirname, "../../..");
// Inside this package, so the blocks resolve @brokerkit/* through its node_modules (.tmp is ignored by git).
const workDir = resolve(import.meta.dirname, "../.tmp/blocks");
const BLOCK_TIMEOUT_MS = 40_000;

interface Example {
  block: ReadmeBlock;
  name: string;
  module: BlockModule;
}

const blocks = readmeFiles(root).flatMap((readme) => readmeBlocks(root, readme));
const examples = runnableExamples(blocks);

function runnableExamples(all: readonly ReadmeBlock[]): Example[] {
  const setups: ReadmeBlock[] = [];
  const result: Example[] = [];
  for (const block of all) {
    if (block.kind === "fragment") continue;
    const before = setups.filter((setup) => setup.readme === block.readme);
    const slug = block.readme.replace(/\/?README\.md$/, "").replace(/[^A-Za-z0-9]+/g, "-") || "root";
    result.push({ block, name: `${slug}-L${block.line}`, module: blockModule(block, before) });
    if (block.kind === "setup") setups.push(block);
  }
  return result;
}

describe("README TypeScript blocks", () => {
  let servers: ExampleServers | undefined;
  let compiled = new Map<string, CompiledModule>();

  beforeAll(async () => {
    servers = await startExampleServers();
    compiled = compileModules(
      join(workDir, "modules"),
      new Map(examples.map((e) => [e.name, e.module])),
      join(root, "tsconfig.base.json"),
    );
  });

  afterAll(async () => {
    await servers?.close();
    for (const readme of readmeFiles(root)) {
      const mine = blocks.filter((b) => b.readme === readme);
      const fragments = mine.filter((b) => b.kind === "fragment").length;
      if (mine.length) console.log(`${readme}: ${mine.length - fragments} run, ${fragments} fragments`);
    }
  });

  it("finds blocks in the root README and in the packages' READMEs", () => {
    const readmes = new Set(blocks.map((b) => b.readme));
    expect(readmes).toContain("README.md");
    expect(readmes).toContain("packages/alor/README.md");
  });

  it("no block imports the private @brokerkit/testing", () => {
    const offending = blocks.filter((b) => /from\s+["']@brokerkit\/testing\b/.test(b.code));
    expect(offending.map((b) => `${b.readme}:${b.line}`)).toEqual([]);
  });

  for (const example of examples) {
    const { block } = example;
    it.concurrent(`${block.readme}:${block.line}${block.kind === "setup" ? " (setup)" : ""}`, async () => {
      const module = compiled.get(example.name);
      if (!module || !servers) throw new Error("the blocks were not compiled (see beforeAll)");
      if (module.errors.length) {
        throw new Error(`${block.readme}:${block.line}: the block does not type-check:\n${module.errors.join("\n")}`);
      }
      const run = await runModule(module.js, {
        cwd: join(workDir, "cwd", example.name),
        env: servers.environment(),
        timeoutMs: BLOCK_TIMEOUT_MS,
      });
      if (run.code !== 0) {
        const how =
          run.code === undefined ? `did not finish within ${BLOCK_TIMEOUT_MS} ms` : `exited with code ${run.code}`;
        const output = toReadmePositions(run.output, module.ts, example.module.origins);
        throw new Error(`${block.readme}:${block.line}: the block ${how}:\n${output}`);
      }
    });
  }
});
