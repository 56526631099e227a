/** Starts the feed server (feed-server.ts) in a child process and sets its next feed over IPC. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface FeedServer {
  /** `http://127.0.0.1:<port>` (token endpoint) and `ws://127.0.0.1:<port>/ws` (the stream). */
  httpUrl: string;
  wsUrl: string;
  /** What the next subscription (or `subscriptions` ones, round-robin) receives. `rate` 0: as fast as the socket drains. */
  setNext(feed: { count: number; rate: number; subscriptions?: number; perFrame?: number }): Promise<void>;
  close(): Promise<void>;
}

/** `script`: the feed server module to fork (default: the ALOR feed, feed-server.ts); it must answer the same IPC. */
export async function startFeedServer(script = new URL("./feed-server.js", import.meta.url)): Promise<FeedServer> {
  const child = fork(fileURLToPath(script), [], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`feed server exited before it was ready (code ${code})`)));
    child.once("message", (message: { type: string; port: number }) => resolve(message.port));
  });
  child.removeAllListeners("exit");
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    setNext: (feed) =>
      new Promise<void>((resolve) => {
        child.once("message", () => resolve());
        child.send(feed);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
