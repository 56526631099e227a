/**
 * `brokerkit-sim`: the command starts the simulators and prints the variables the README examples read;
 * a client pointed at them by those variables alone works.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningSimulators, shellExports, startSimulators } from "../src/simulators-cli.js";

const running: RunningSimulators[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sims) => sims.close()));
});

describe("brokerkit-sim", () => {
  it("starts the named simulators and names the variables the READMEs use", async () => {
    const sims = await startSimulators(["alpaca"]);
    running.push(sims);
    const env = sims.environment;
    expect(Object.keys(env).sort()).toEqual([
      "ALPACA_BROKER_KEY",
      "ALPACA_BROKER_SECRET",
      "ALPACA_BROKER_URL",
      "APCA_API_BASE_URL",
      "APCA_API_DATA_URL",
      "APCA_API_KEY_ID",
      "APCA_API_SECRET_KEY",
    ]);
    const account = await fetch(`${env.APCA_API_BASE_URL}/v2/account`, {
      headers: { "APCA-API-KEY-ID": env.APCA_API_KEY_ID ?? "", "APCA-API-SECRET-KEY": env.APCA_API_SECRET_KEY ?? "" },
    });
    expect(account.status).toBe(200);
  });

  it("rejects an unknown name", async () => {
    await expect(startSimulators(["ibkr"])).rejects.toThrow(/unknown simulator "ibkr": expected alor, alpaca, saxo/);
  });

  it("quotes values for a POSIX shell", () => {
    expect(shellExports({ A: "x'y", B: "http://127.0.0.1:1" })).toBe(
      `export A='x'\\''y'\nexport B='http://127.0.0.1:1'`,
    );
  });

  it("the built command prints export lines for all three and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "../dist/bin/brokerkit-sim.js")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout });
    for await (const line of reader) {
      lines.push(line);
      if (line.startsWith("export SAXO_STREAMING_URL=")) break;
    }
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const names = lines.map((line) => /^export (\w+)=/.exec(line)?.[1]);
    expect(names).toContain("ALOR_REFRESH_TOKEN");
    expect(names).toContain("APCA_API_KEY_ID");
    expect(names).toContain("SAXO_REFRESH_TOKEN");
  });
});
