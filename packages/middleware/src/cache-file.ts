/**
 * The response cache's file: a JSON document of stored answers, read once and rewritten atomically
 * (a temporary file renamed over the old one), so a crash mid-write never leaves half a file. A file
 * that cannot be read as a cache is reported and ignored: the cache then starts empty.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

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

/** Writes the answers to `file` through a temporary file and a rename. Throws on failure (the caller reports it). */
export async function writeCacheFile(file: string, answers: Iterable<CachedAnswer>): Promise<void> {
  const entries: FileEntry[] = [];
  for (const answer of answers) entries.push(toFileEntry(answer));
  const text = JSON.stringify({ format: FORMAT, version: VERSION, entries });
  await mkdir(dirname(file), { recursive: true });
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
