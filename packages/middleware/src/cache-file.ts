/**
 * The response cache's file: a JSON document of stored answers. Several processes may share one file,
 * so a write is a merge under a lock (file-lock.ts): re-read the file, keep per key the newest answer,
 * ours or another process's, bound the count, and replace the file atomically (a temporary file renamed
 * over the old one), so a crash mid-write never leaves half a file. A file that cannot be read as a
 * cache is reported and ignored: the cache then starts empty, and the next write replaces it.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type FileLockOptions, withFileLock } from "./file-lock.js";

/** One stored answer, as the cache keeps it in memory. */
export interface CachedAnswer {
  /** Hash of the credential identity and the normalised URL: what lookups compare, and no secret. */
  key: string;
  /** The manifest rule it belongs to, e.g. `GET /md/v2/Securities`. */
  route: string;
  /** The request URL, redacted: for people reading the file, never used for lookups. */
  url: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
  /** Epoch ms at which it was stored. */
  storedAt: number;
}

const FORMAT = "brokerkit-response-cache";
const VERSION = 1;

/** A stored answer as written to the file: the same fields, with the body in base64. */
type FileEntry = Omit<CachedAnswer, "body"> & { body: string };

export type LoadOutcome =
  | { kind: "missing" }
  | { kind: "loaded"; answers: CachedAnswer[]; skipped: number }
  | { kind: "unreadable"; reason: string };

/** Reads the file. Never throws: a missing file is "missing", anything wrong is "unreadable" with the reason. */
export async function loadCacheFile(file: string): Promise<LoadOutcome> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return { kind: "missing" };
    return { kind: "unreadable", reason: `cannot read it (${describe(error)})` };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { kind: "unreadable", reason: `it is not valid JSON (${describe(error)})` };
  }
  const fields = document as { format?: unknown; version?: unknown; entries?: unknown } | null;
  if (!fields || typeof fields !== "object" || fields.format !== FORMAT || fields.version !== VERSION) {
    return { kind: "unreadable", reason: `it is not a ${FORMAT} file of version ${VERSION}` };
  }
  if (!Array.isArray(fields.entries)) return { kind: "unreadable", reason: `its "entries" is not an array` };
  const answers: CachedAnswer[] = [];
  let skipped = 0;
  for (const entry of fields.entries) {
    const answer = fromFileEntry(entry);
    if (answer) answers.push(answer);
    else skipped++;
  }
  return { kind: "loaded", answers, skipped };
}

export interface CacheFileWrite {
  /** Most entries the file may hold. */
  maxEntries: number;
  /** Whether an entry found in the file (perhaps another process's) is still worth keeping. */
  keep(answer: CachedAnswer): boolean;
  /** The lock's bounds; defaults in file-lock.ts. */
  lock?: FileLockOptions;
}

/**
 * Merges `answers` (in recency order, least recent first) into `file` under its lock, and replaces the
 * file atomically. Throws on failure (the caller reports it).
 */
export async function writeCacheFile(
  file: string,
  answers: Iterable<CachedAnswer>,
  options: CacheFileWrite,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await withFileLock(
    `${file}.lock`,
    async () => {
      const outcome = await loadCacheFile(file);
      const theirs = outcome.kind === "loaded" ? outcome.answers.filter((answer) => options.keep(answer)) : [];
      await replaceFile(file, mergeAnswers(theirs, answers, options.maxEntries));
    },
    options.lock,
  );
}

/**
 * One answer per key, the newest by `storedAt`. The file's answers that we do not hold come first, oldest
 * first, then ours in recency order: past `maxEntries`, the oldest of theirs go first, then our least
 * recently used.
 */
export function mergeAnswers(
  theirs: readonly CachedAnswer[],
  ours: Iterable<CachedAnswer>,
  maxEntries: number,
): CachedAnswer[] {
  const onDisk = new Map(theirs.map((answer) => [answer.key, answer]));
  const mine: CachedAnswer[] = [];
  for (const answer of ours) {
    const other = onDisk.get(answer.key);
    onDisk.delete(answer.key);
    mine.push(other && other.storedAt > answer.storedAt ? other : answer);
  }
  const merged = [...[...onDisk.values()].sort((a, b) => a.storedAt - b.storedAt), ...mine];
  return merged.slice(Math.max(0, merged.length - maxEntries));
}

async function replaceFile(file: string, answers: readonly CachedAnswer[]): Promise<void> {
  const text = JSON.stringify({ format: FORMAT, version: VERSION, entries: answers.map(toFileEntry) });
  const temporary = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    // Owner-only: cached answers are the user's data, even when they are only reference data.
    await writeFile(temporary, text, { encoding: "utf8", mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

function toFileEntry(answer: CachedAnswer): FileEntry {
  return {
    key: answer.key,
    route: answer.route,
    url: answer.url,
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
    body: Buffer.from(answer.body).toString("base64"),
    storedAt: answer.storedAt,
  };
}

function fromFileEntry(value: unknown): CachedAnswer | undefined {
  if (!value || typeof value !== "object") return undefined;
  const e = value as Partial<Record<keyof FileEntry, unknown>>;
  if (
    typeof e.key !== "string" ||
    typeof e.route !== "string" ||
    typeof e.url !== "string" ||
    typeof e.status !== "number" ||
    !Number.isInteger(e.status) ||
    e.status < 200 ||
    e.status > 299 ||
    typeof e.statusText !== "string" ||
    typeof e.body !== "string" ||
    typeof e.storedAt !== "number" ||
    !Number.isFinite(e.storedAt) ||
    !Array.isArray(e.headers) ||
    !e.headers.every(
      (pair): pair is [string, string] =>
        Array.isArray(pair) && pair.length === 2 && typeof pair[0] === "string" && typeof pair[1] === "string",
    )
  ) {
    return undefined;
  }
  return {
    key: e.key,
    route: e.route,
    url: e.url,
    status: e.status,
    statusText: e.statusText,
    headers: e.headers,
    body: new Uint8Array(Buffer.from(e.body, "base64")),
    storedAt: e.storedAt,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
