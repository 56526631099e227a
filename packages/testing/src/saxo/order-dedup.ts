/**
 * Saxo's protection against double orders: an order operation identical to one accepted in the last
 * `windowMs` (same session, method, path, query and JSON body) is rejected with 409, unless its
 * `x-request-id` differs. A repeat of the same `x-request-id` is a retry: by default it gets the first
 * result again without acting twice (`replay`); with `conflict` it gets the 409 as well.
 */
import { createHash } from "node:crypto";
import { type Reply, saxoError } from "./reply.js";

interface Accepted {
  at: number;
  reply: Reply;
}

export type DedupDecision = { answer: Reply; replayed: boolean } | { remember(reply: Reply): void };

export class OrderDeduplicator {
  private readonly accepted = new Map<string, Accepted>();

  constructor(
    private readonly windowMs: number,
    private readonly repeatedRequestId: "replay" | "conflict",
  ) {}

  check(
    operation: { sessionId: string; method: string; path: string; query: URLSearchParams; body: unknown },
    requestId: string | undefined,
  ): DedupDecision {
    const now = Date.now();
    for (const [key, entry] of this.accepted) if (entry.at <= now - this.windowMs) this.accepted.delete(key);

    const key = `${fingerprint(operation)}|${requestId ?? ""}`;
    const previous = this.accepted.get(key);
    if (previous) {
      if (requestId !== undefined && this.repeatedRequestId === "replay") {
        return { answer: previous.reply, replayed: true };
      }
      return {
        answer: saxoError(
          409,
          "DuplicateOperation",
          `An identical order operation was accepted less than ${Math.round(this.windowMs / 1000)} s ago; ` +
            "send a different x-request-id to perform it again",
        ),
        replayed: false,
      };
    }
    return {
      remember: (reply) => {
        if (reply.status >= 200 && reply.status < 300) this.accepted.set(key, { at: now, reply });
      },
    };
  }
}

function fingerprint(operation: {
  sessionId: string;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}): string {
  const query = [...operation.query.entries()].sort(([a], [b]) => a.localeCompare(b));
  return createHash("sha256")
    .update(JSON.stringify([operation.sessionId, operation.method, operation.path, query, canonical(operation.body)]))
    .digest("hex");
}

/** Same JSON value with object keys sorted, so key order does not make two orders differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
