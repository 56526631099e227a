/**
 * Searches everything a caller or a log could see of an error or an event for a known secret, whole or
 * as any 16-character fragment (a truncated token is still a leak). Findings name the secret by its
 * position in the list and the surface it appeared on, never by its value.
 */
import { inspect } from "node:util";

export const FRAGMENT_LENGTH = 16;

/** Secrets prepared for searching: every 16-character window, and the shorter secrets whole. */
export interface SecretIndex {
  windows: Map<string, number>;
  short: [secret: string, index: number][];
}

export function indexSecrets(secrets: Iterable<string>): SecretIndex {
  const index: SecretIndex = { windows: new Map(), short: [] };
  let position = 0;
  for (const secret of secrets) {
    if (secret.length < FRAGMENT_LENGTH) index.short.push([secret, position]);
    for (let start = 0; start + FRAGMENT_LENGTH <= secret.length; start++) {
      index.windows.set(secret.slice(start, start + FRAGMENT_LENGTH), position);
    }
    position++;
  }
  return index;
}

/** What `error` shows through message, stack, String(), JSON.stringify() and a deep inspect(). */
export function errorSurfaces(error: unknown): Record<string, string> {
  const surfaces: Record<string, string> = {
    "String()": safely(() => String(error)),
    "JSON.stringify": safely(() => JSON.stringify(error) ?? ""),
    inspect: inspect(error, { depth: 10, showHidden: true }),
  };
  if (error instanceof Error) {
    surfaces.message = error.message;
    surfaces.stack = error.stack ?? "";
  }
  return surfaces;
}

/** What an observer event shows when logged. */
export function eventSurfaces(event: unknown): Record<string, string> {
  return {
    "event JSON": safely(() => JSON.stringify(event) ?? ""),
    "event inspect": inspect(event, { depth: 10, showHidden: true }),
  };
}

/** Findings like `secret #2 (16-char fragment) in stack`; empty when nothing leaked. */
export function findLeaks(surfaces: Record<string, string>, secrets: SecretIndex): string[] {
  const findings = new Set<string>();
  for (const [surface, text] of Object.entries(surfaces)) {
    for (let start = 0; start + FRAGMENT_LENGTH <= text.length; start++) {
      const index = secrets.windows.get(text.slice(start, start + FRAGMENT_LENGTH));
      if (index !== undefined) findings.add(`secret #${index} (whole or a 16-character fragment) in ${surface}`);
    }
    for (const [secret, index] of secrets.short) {
      if (text.includes(secret)) findings.add(`secret #${index} in ${surface}`);
    }
  }
  return [...findings];
}

function safely(render: () => string): string {
  try {
    return render();
  } catch (error) {
    return `<could not render: ${error instanceof Error ? error.name : "unknown"}>`;
  }
}
