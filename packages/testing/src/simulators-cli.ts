/**
 * `brokerkit-sim [alor] [alpaca] [saxo]`: starts the simulators on 127.0.0.1 and prints the environment
 * variables the READMEs' examples read (`export NAME=value` lines, for `eval` or a .env file), then keeps
 * them running until Ctrl-C. With no name it starts all three.
 */
import { startAlorSimulator } from "./alor/simulator.js";
import { startAlpacaSimulator } from "./alpaca/simulator.js";
import { alorEnvironment, alpacaEnvironment, saxoEnvironment } from "./example-environment.js";
import { startSaxoSimulator } from "./saxo/simulator.js";

export type SimulatorName = "alor" | "alpaca" | "saxo";
export const SIMULATOR_NAMES: readonly SimulatorName[] = ["alor", "alpaca", "saxo"];

export interface RunningSimulators {
  /** The variables the README examples read, pointing at these simulators. */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the named simulators (all of them when `names` is empty). */
export async function startSimulators(names: readonly string[] = []): Promise<RunningSimulators> {
  const unknown = names.filter((name) => !SIMULATOR_NAMES.includes(name as SimulatorName));
  if (unknown.length) {
    throw new Error(
      `unknown simulator ${unknown.map((n) => JSON.stringify(n)).join(", ")}: expected ${SIMULATOR_NAMES.join(", ")}`,
    );
  }
  const wanted = new Set(names.length ? names : SIMULATOR_NAMES);
  const environment: Record<string, string> = {};
  const closers: (() => Promise<void>)[] = [];
  try {
    if (wanted.has("alor")) {
      const alor = await startAlorSimulator();
      closers.push(() => alor.close());
      Object.assign(environment, alorEnvironment(alor));
    }
    if (wanted.has("alpaca")) {
      const alpaca = await startAlpacaSimulator();
      closers.push(() => alpaca.close());
      Object.assign(environment, alpacaEnvironment(alpaca));
    }
    if (wanted.has("saxo")) {
      const saxo = await startSaxoSimulator();
      closers.push(() => saxo.close());
      Object.assign(environment, saxoEnvironment(saxo));
    }
  } catch (error) {
    await Promise.all(closers.map((close) => close()));
    throw error;
  }
  return { environment, close: async () => void (await Promise.all(closers.map((close) => close()))) };
}

/** `export NAME='value'` lines, quoted for a POSIX shell. */
export function shellExports(environment: Record<string, string>): string {
  return Object.entries(environment)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join("\n");
}

/** The `brokerkit-sim` command (bin/brokerkit-sim.ts). */
export async function main(names: readonly string[]): Promise<void> {
  if (names.includes("--help") || names.includes("-h")) {
    console.log(`usage: brokerkit-sim [${SIMULATOR_NAMES.join("] [")}]   (all when none is named)`);
    return;
  }
  const running = await startSimulators(names);
  // Listening before printing: whoever reads the lines may stop us as soon as it has them.
  const stop = () => void running.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  console.log(shellExports(running.environment));
  console.error("# simulators running on 127.0.0.1; Ctrl-C stops them");
}
