/**
 * A real redis-server (Debian's package) for the tests: 127.0.0.1, a free port, no persistence.
 * `stop()` and `start()` restart it on the same port (the fault test); `close()` ends it for good.
 * When redis-server cannot be started the tests skip with the reason, except in CI (CI is set),
 * where they fail: CI installs redis-server (.ci/run), so a missing one is a broken setup.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Its data is gone: nothing is persisted. */
  stop(): Promise<void>;
  /** Starts it again on the same port and resolves once it answers PING. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const spawned = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child = spawned;
    let stderr = "";
    spawned.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const failed = new Promise<never>((_, reject) => {
      spawned.once("error", (error) => reject(new Error(`cannot run redis-server: ${error.message}`)));
      spawned.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}: ${stderr.trim()}`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPong(port), failed]);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, close: stop };
}

/**
 * Starts redis-server, or explains why the tests cannot run. In CI a failure to start is an error.
 */
export async function redisServerOrSkip(): Promise<{ server?: RedisServer; reason?: string }> {
  try {
    return { server: await startRedisServer() };
  } catch (error) {
    const reason = `redis-server could not be started (${error instanceof Error ? error.message : String(error)}); install it with \`apt-get install redis-server\``;
    if (process.env.CI) throw new Error(`${reason}. CI must run these tests.`);
    console.warn(`SKIPPING @brokerkit/redis tests: ${reason}`);
    return { reason };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPong(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
  });
}
