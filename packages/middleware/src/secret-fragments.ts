/**
 * Finds pieces of registered secrets in text: any run of 16 or more characters that also occurs in a
 * secret (a token cut short by a length limit, or wrapped over lines). Secrets are added rarely and text
 * is searched often, so the work is done when a secret is added or removed:
 * - each secret is cut into aligned blocks of 8 characters; any 16-character piece of it wholly contains
 *   one of them, at most 7 characters from the piece's start;
 * - a search rolls a hash over every 8-character window of the text (a few arithmetic operations and one
 *   table read per character, whatever the number of secrets) and only on a hit compares the block and
 *   its neighbours, by binary search over the sorted neighbours of every occurrence of that block.
 */
const PIECE = 16;
const BLOCK = PIECE / 2;
const HASH_BASE = 0x01000193;
/** HASH_BASE to the power BLOCK - 1: what the oldest character weighs in the rolling hash. */
const HASH_DROP = Array.from({ length: BLOCK - 1 }).reduce<number>((power) => Math.imul(power, HASH_BASE), 1);
/** A counting filter of 2^18 slots (256 kB) that answers "no block hashes here" before any Map lookup. */
const FILTER_BITS = 18;
const SATURATED = 255;

/** One distinct block and the neighbours of each of its occurrences in the secrets, with their counts. */
interface Block {
  text: string;
  /** The up to BLOCK - 1 characters before each occurrence, reversed (so both sides match as prefixes). */
  befores: Map<string, number>;
  /** The up to BLOCK characters after each occurrence. */
  afters: Map<string, number>;
  /** Both sides sorted for binary search, computed at the first search after a change. */
  sorted?: { befores: string[]; afters: string[] };
}

export class SecretFragments {
  /** Length from which a run of secret characters counts as a piece. Shorter secrets are never indexed. */
  static readonly PIECE = PIECE;
  private readonly blocks = new Map<number, Block[]>();
  private readonly filter = new Uint8Array(2 ** FILTER_BITS);

  get isEmpty(): boolean {
    return this.blocks.size === 0;
  }

  add(secret: string): void {
    this.update(secret, 1);
  }

  remove(secret: string): void {
    this.update(secret, -1);
  }

  /** The [start, end) ranges of `text` made of pieces of secrets, sorted by start and merged. */
  find(text: string): [number, number][] {
    if (text.length < PIECE || this.blocks.size === 0) return [];
    const spans: [number, number][] = [];
    let hash = 0;
    for (let end = 0; end < text.length; end++) {
      // The hash of the BLOCK characters ending at `end`, rolled on by one character.
      if (end >= BLOCK) hash = (hash - Math.imul(text.charCodeAt(end - BLOCK), HASH_DROP)) | 0;
      hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(end)) | 0;
      if (end < BLOCK - 1 || this.filter[slotOf(hash)] === 0) continue;
      const at = end - BLOCK + 1;
      for (const block of this.blocks.get(hash) ?? []) {
        if (!text.startsWith(block.text, at)) continue;
        block.sorted ??= { befores: [...block.befores.keys()].sort(), afters: [...block.afters.keys()].sort() };
        // The two sides may come from different secrets sharing this block: the span is still made of
        // secret characters, and every true piece of one secret is covered.
        const left = longestSharedPrefix(block.sorted.befores, reversed(text.slice(Math.max(0, at - BLOCK + 1), at)));
        const right = longestSharedPrefix(block.sorted.afters, text.slice(at + BLOCK, at + 2 * BLOCK));
        if (left + BLOCK + right >= PIECE) spans.push([at - left, at + BLOCK + right]);
      }
    }
    return merged(spans);
  }

  private update(secret: string, delta: 1 | -1): void {
    if (secret.length < PIECE) return;
    for (let at = 0; at + BLOCK <= secret.length; at += BLOCK) {
      const text = secret.slice(at, at + BLOCK);
      const hash = hashOf(text);
      const same = this.blocks.get(hash) ?? [];
      let block = same.find((candidate) => candidate.text === text);
      if (!block) {
        if (delta < 0) continue;
        block = { text, befores: new Map(), afters: new Map() };
        same.push(block);
        this.blocks.set(hash, same);
      }
      count(block.befores, reversed(secret.slice(Math.max(0, at - BLOCK + 1), at)), delta);
      count(block.afters, secret.slice(at + BLOCK, at + 2 * BLOCK), delta);
      block.sorted = undefined;
      const slot = slotOf(hash);
      const held = this.filter[slot] as number;
      // A saturated slot stays set for good: it then only costs a Map lookup.
      if (held < SATURATED) this.filter[slot] = held + delta;
      if (block.befores.size === 0) {
        same.splice(same.indexOf(block), 1);
        if (same.length === 0) this.blocks.delete(hash);
      }
    }
  }
}

function hashOf(block: string): number {
  let hash = 0;
  for (let i = 0; i < block.length; i++) hash = (Math.imul(hash, HASH_BASE) + block.charCodeAt(i)) | 0;
  return hash;
}

const slotOf = (hash: number) => Math.imul(hash, 0x9e3779b1) >>> (32 - FILTER_BITS);

function count(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

/** The longest prefix `query` shares with any of `sorted`: the best is next to where `query` would sort. */
function longestSharedPrefix(sorted: readonly string[], query: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < query) low = middle + 1;
    else high = middle;
  }
  let best = 0;
  for (const neighbour of [sorted[low - 1], sorted[low]]) {
    if (neighbour === undefined) continue;
    let n = 0;
    while (n < query.length && n < neighbour.length && query.charCodeAt(n) === neighbour.charCodeAt(n)) n++;
    best = Math.max(best, n);
  }
  return best;
}

/** Reversed by UTF-16 code unit, the unit every comparison here works in. */
function reversed(text: string): string {
  let out = "";
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}

/** Sorted by start, overlapping or touching ranges joined. */
function merged(spans: [number, number][]): [number, number][] {
  spans.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push(span);
  }
  return out;
}
