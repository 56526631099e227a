/**
 * Saxo's OData-style paging: `$top` and `$skip` select a page, `$inlinecount=AllPages` adds `__count`, and
 * `__next` (the path and query of the next page, from the host root) is present while entries remain.
 */
import { invalidModel, type Reply } from "./reply.js";

/** Entries returned when the request has no `$top`. */
const DEFAULT_TOP = 1000;

export function page(items: readonly unknown[], url: URL): { body: Record<string, unknown> } | { reply: Reply } {
  const top = parseCount(url.searchParams.get("$top"), DEFAULT_TOP);
  const skip = parseCount(url.searchParams.get("$skip"), 0);
  const problems: Record<string, string[]> = {};
  if (top === undefined) problems.$top = ["$top must be a non-negative integer"];
  if (skip === undefined) problems.$skip = ["$skip must be a non-negative integer"];
  if (top === undefined || skip === undefined) return { reply: invalidModel(problems) };

  const body: Record<string, unknown> = { Data: items.slice(skip, skip + top) };
  if (url.searchParams.get("$inlinecount") === "AllPages") body.__count = items.length;
  if (skip + top < items.length) {
    const next = new URL(url.toString());
    next.searchParams.set("$top", String(top));
    next.searchParams.set("$skip", String(skip + top));
    // Saxo writes the OData names literally (`$top`), not percent-encoded.
    body.__next = `${next.pathname}${next.search.replace(/%24/g, "$")}`;
  }
  return { body };
}

function parseCount(text: string | null, fallback: number): number | undefined {
  if (text === null || text === "") return fallback;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
