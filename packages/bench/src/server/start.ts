/** Starts the bench server in a child process and talks to it over IPC. */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ServerCounters, ServerReply, ServerRequest } from "./protocol.js";

export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Arrival times (the server's monotonic clock, ms) of requests tagged `tag`; forgets them. */
  arrivals(tag: string): Promise<number[]>;
  counters(): Promise<ServerCounters>;
  reset(): Promise<void>;
  /** Lifetime of the JWTs and OAuth2 tokens the server issues from now on. */
  setTokenTtl(seconds: number): Promise<void>;
  close(): Promise<void>;
}

type Command = ServerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export async function startBenchServer(): Promise<BenchServer> {
  const file = fileURLToPath(new URL("./bench-server.js", import.meta.url));
  // No inherited flags: the server must not run with the suite's --cpu-prof or --expose-gc.
  const child: ChildProcess = fork(file, [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pending = new Map<number, (reply: ServerReply & { type: "reply" }) => void>();
  let nextId = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited before it was ready (code ${code})`)));
    child.on("message", (message: ServerReply) => {
      if (message.type === "ready") resolve(message.port);
      else pending.get(message.id)?.(message);
    });
  });
  child.removeAllListeners("exit");

  const ask = (command: Command) =>
    new Promise<ServerReply & { type: "reply" }>((resolve) => {
      const id = ++nextId;
      pending.set(id, (reply) => {
        pending.delete(id);
        resolve(reply);
      });
      child.send({ ...command, id });
    });

  return {
    url: `http://127.0.0.1:${port}`,
    arrivals: async (tag) => (await ask({ command: "arrivals", tag })).arrivals ?? [],
    counters: async () => (await ask({ command: "counters" })).counters as ServerCounters,
    reset: async () => {
      await ask({ command: "reset" });
    },
    setTokenTtl: async (seconds) => {
      await ask({ command: "token-ttl", seconds });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
