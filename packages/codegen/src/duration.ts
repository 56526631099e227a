const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "250ms" | "1s" | "30m" | "1h" → milliseconds. The manifest schema guarantees the form. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`invalid duration "${text}": expected e.g. 250ms, 1s, 30m, 1h`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
