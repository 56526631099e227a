/**
 * An advisory lock between processes that share a file: a lock file created with `open(…, "wx")`, which
 * only one creator can win. The holder writes its own token in it and removes it when done. A lock file
 * older than `staleMs` is taken to be left by a process that died holding it, and is taken over. Waiting
 * is bounded by `waitMs`.
 */
import { randomUUID } from "node:crypto";
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { sleep } from "./sleep.js";

export interface FileLockOptions {
  /** Age after which a lock file is considered abandoned. Default 30 s: holders keep it for milliseconds. */
  staleMs?: number;
  /** Longest wait for the lock before giving up with an error. Default 45 s, past `staleMs`. */
  waitMs?: number;
}

const DEFAULT_STALE_MS = 30_000;
const DEFAULT_WAIT_MS = 45_000;
const FIRST_PAUSE_MS = 5;
const LONGEST_PAUSE_MS = 100;

/** Runs `work` while holding the lock file `lockPath`. Throws when the lock stays busy past `waitMs`. */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const token = `${process.pid}:${randomUUID()}`;
  const deadline = performance.now() + waitMs;
  let pause = FIRST_PAUSE_MS;
  while (!(await tryCreate(lockPath, token))) {
    if (await takeOverIfStale(lockPath, staleMs)) continue;
    if (performance.now() >= deadline) {
      throw new Error(`the lock ${lockPath} stayed held by another process for over ${waitMs} ms`);
    }
    // Jittered, so two waiters do not retry in step.
    await sleep(pause * (0.5 + Math.random()));
    pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
  }
  try {
    return await work();
  } finally {
    await release(lockPath, token);
  }
}

async function tryCreate(lockPath: string, token: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, "wx", 0o600);
  } catch (error) {
    if ((error as { code?: unknown }).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(token, "utf8");
  } finally {
    await handle.close();
  }
  return true;
}

/** Moves an abandoned lock file aside (a rename, so only one taker succeeds). True when the lock may be free. */
async function takeOverIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let modified: number;
  try {
    modified = (await stat(lockPath)).mtimeMs;
  } catch (error) {
    // Released between our attempt and this look: try again at once.
    return (error as { code?: unknown }).code === "ENOENT";
  }
  if (Date.now() - modified < staleMs) return false;
  const aside = `${lockPath}.${randomUUID().slice(0, 8)}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return true;
  }
  await unlink(aside).catch(() => {});
  return true;
}

/** Removes the lock file if it is still ours (it is not if it was taken over as stale meanwhile). */
async function release(lockPath: string, token: string): Promise<void> {
  const held = await readFile(lockPath, "utf8").catch(() => undefined);
  if (held === token) await unlink(lockPath).catch(() => {});
}
