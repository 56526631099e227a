/**
 * Paging over account activities as /v2/account/activities does: filters by type, category and time,
 * newest first by default, `page_size` up to 100, and `page_token` = the id of the last activity seen.
 */
import type { Activity } from "./orders.js";
import { invalid } from "./reply.js";

export function pageActivities(all: readonly Activity[], q: URLSearchParams, onlyType?: string): Activity[] {
  const types = onlyType
    ? [onlyType]
    : q
        .get("activity_types")
        ?.split(",")
        .map((t) => t.trim())
        .filter(Boolean);
  const category = q.get("category");
  if (category !== null && category !== "trade_activity" && category !== "non_trade_activity") {
    throw invalid(`invalid category "${category}": expected trade_activity or non_trade_activity`, 400);
  }
  const direction = q.get("direction") ?? "desc";
  if (direction !== "asc" && direction !== "desc") throw invalid(`invalid direction "${direction}"`, 400);
  const pageSize = Number(q.get("page_size") ?? 100);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw invalid("page_size must be an integer from 1 to 100", 400);
  }
  const after = time(q, "after");
  const until = time(q, "until");
  const day = q.get("date")?.slice(0, 10);

  let list = all.filter((a) => {
    if (types && !types.includes(a.activity_type)) return false;
    if (category === "trade_activity" && a.activity_type !== "FILL") return false;
    if (category === "non_trade_activity" && a.activity_type === "FILL") return false;
    const at = Date.parse(String(a.transaction_time ?? a.date));
    if (after !== undefined && !(at > after)) return false;
    if (until !== undefined && !(at < until)) return false;
    if (day !== undefined && new Date(at).toISOString().slice(0, 10) !== day) return false;
    return true;
  });
  // Ids start with a sortable timestamp, so sorting by id is sorting by time.
  list = [...list].sort((x, y) => (x.id < y.id ? -1 : 1));
  if (direction === "desc") list.reverse();
  const token = q.get("page_token");
  if (token) {
    const index = list.findIndex((a) => a.id === token);
    if (index < 0) throw invalid("invalid page_token", 400);
    list = list.slice(index + 1);
  }
  return list.slice(0, pageSize);
}

function time(q: URLSearchParams, name: string): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw invalid(`invalid ${name} "${text}": expected RFC 3339`, 400);
  return value;
}
