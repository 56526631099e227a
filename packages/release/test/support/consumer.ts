/**
 * A fresh application outside the workspace that installs one broker package from the registry
 * under test, the way a company's application would (`@brokerkit` scope mapped to that registry).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Consumer {
  dir: string;
  /** Packages installed under node_modules/@brokerkit. */
  brokerkitPackages(): string[];
  /**
   * Runs `node <args…>` in `dir`, returning its exit code and output. Asynchronous, so that a simulator
   * running in the test process can answer meanwhile; killed after 60 s.
   */
  run(node: string, args: string[], env: Record<string, string>): Promise<RunResult>;
  /** Type-checks the project with the workspace's TypeScript; returns the diagnostics (empty when clean). */
  typecheck(): string;
}

export function createConsumer(
  dir: string,
  registryUrl: string,
  dependency: string,
  files: Record<string, string>,
): Consumer {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  // Only the @brokerkit scope comes from the registry under test; everything else from the usual one.
  writeFileSync(join(dir, ".npmrc"), `@brokerkit:registry=${registryUrl}\n`);
  writeFileSync(
    join(dir, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023", "DOM"],
          strict: true,
          noEmit: true,
          types: [],
          skipLibCheck: false,
        },
        include: ["*.ts"],
      },
      null,
      2,
    )}\n`,
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: "false" };
  delete env.npm_config_registry;
  const install = spawnSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", dependency],
    { cwd: dir, encoding: "utf8", env },
  );
  if (install.status !== 0) throw new Error(`npm install ${dependency} failed in ${dir}: ${install.stderr}`);

  return {
    dir,
    brokerkitPackages: () => readdirSync(join(dir, "node_modules", "@brokerkit")).sort(),
    run(node, args, runEnv) {
      return new Promise((resolve, reject) => {
        const child = spawn(node, args, {
          cwd: dir,
          env: { ...process.env, ...runEnv },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        child.stderr.on("data", (chunk) => {
          stderr += chunk;
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });
    },
    typecheck() {
      const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
      const result = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
        cwd: dir,
        encoding: "utf8",
      });
      return result.status === 0 ? "" : `${result.stdout}${result.stderr}`.trim() || `tsc exited ${result.status}`;
    },
  };
}
