/**
 * How Saxo's deltas apply to a subscription's snapshot, as its streaming documentation describes:
 * - a single resource (a price, a balance): the delta holds only the fields that changed, nested the
 *   same way; objects merge field by field, anything else (numbers, strings, arrays) replaces;
 * - a list (orders, positions, net positions): the delta is an array of partial items, each named by
 *   its key field; a new key is appended, a known one merged, and `"__meta_deleted": true` removes it;
 * - an event feed (ENS activities): each delta's items are appended; the state keeps the latest ones.
 */

export type MergeRule = { kind: "object" } | { kind: "list"; key: string } | { kind: "events"; keep: number };

/** Saxo's mark of a list item removed from the subscription's set. */
export const DELETED = "__meta_deleted";

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy of JSON data (the state is never shared with what the consumer holds). */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Field-by-field merge of `delta` into `target`, in place. */
export function mergeObject(target: Fields, delta: Fields): Fields {
  for (const [field, value] of Object.entries(delta)) {
    const current = target[field];
    if (isFields(current) && isFields(value)) mergeObject(current, value);
    else target[field] = copy(value);
  }
  return target;
}

/** The items of a list snapshot: Saxo answers `{ __count?, Data: [...] }`, or a plain array. */
export function listItems(snapshot: unknown): unknown[] {
  if (Array.isArray(snapshot)) return snapshot;
  if (isFields(snapshot) && Array.isArray(snapshot.Data)) return snapshot.Data;
  return [];
}

/** The state a snapshot starts: a copy, in the shape the deltas have (an array for lists and events). */
export function initialState(rule: MergeRule, snapshot: unknown): unknown {
  if (rule.kind === "object") return isFields(snapshot) ? copy(snapshot) : {};
  const items = copy(listItems(snapshot));
  return rule.kind === "list" ? items.filter((item) => !(isFields(item) && item[DELETED] === true)) : items;
}

/** Applies one delta to `state` (changed in place where it can) and returns the new state. */
export function applyDelta(rule: MergeRule, state: unknown, delta: unknown): unknown {
  if (rule.kind === "object") {
    const target = isFields(state) ? state : {};
    return isFields(delta) ? mergeObject(target, delta) : target;
  }
  const items = Array.isArray(state) ? state : [];
  const changes = Array.isArray(delta) ? delta : listItems(delta).length > 0 ? listItems(delta) : [delta];
  if (rule.kind === "events") {
    items.push(...copy(changes));
    if (items.length > rule.keep) items.splice(0, items.length - rule.keep);
    return items;
  }
  for (const change of changes) {
    if (!isFields(change)) continue;
    const key = change[rule.key];
    const index = items.findIndex((item) => isFields(item) && item[rule.key] === key);
    if (change[DELETED] === true) {
      if (index >= 0) items.splice(index, 1);
    } else if (index >= 0) mergeObject(items[index] as Fields, change);
    else items.push(copy(change));
  }
  return items;
}
