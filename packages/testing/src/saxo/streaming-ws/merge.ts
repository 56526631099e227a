/**
 * The server's view of a subscription's data: its snapshot with every delta sent since merged in, so a
 * test can compare it with what a client merged. Lists are kept as their items, keyed per resource.
 */

/** Resources whose data is a list, and the field that names each item. */
export const LIST_KEYS: Readonly<Record<string, string>> = {
  "/port/v1/orders/subscriptions": "OrderId",
  "/port/v1/positions/subscriptions": "PositionId",
  "/port/v1/netpositions/subscriptions": "NetPositionId",
  "/port/v1/closedpositions/subscriptions": "ClosedPositionUniqueId",
};
export const EVENT_RESOURCES: ReadonlySet<string> = new Set(["/ens/v1/activities/subscriptions"]);

type Fields = Record<string, unknown>;
const isFields = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The items of a list snapshot (`{ Data: [...] }`), or the object itself. */
export function stateFromSnapshot(resource: string, snapshot: unknown): unknown {
  if (resource in LIST_KEYS || EVENT_RESOURCES.has(resource))
    return clone(isFields(snapshot) && Array.isArray(snapshot.Data) ? snapshot.Data : []);
  return clone(snapshot ?? {});
}

function deepMerge(target: Fields, delta: Fields): void {
  for (const [field, value] of Object.entries(delta)) {
    const current = target[field];
    if (isFields(current) && isFields(value)) deepMerge(current, value);
    else target[field] = clone(value);
  }
}

export function mergeInto(resource: string, state: unknown, delta: unknown): unknown {
  const key = LIST_KEYS[resource];
  if (EVENT_RESOURCES.has(resource)) return [...(state as unknown[]), ...clone(delta as unknown[])];
  if (!key) {
    deepMerge(state as Fields, delta as Fields);
    return state;
  }
  const items = state as Fields[];
  for (const change of delta as Fields[]) {
    const index = items.findIndex((item) => item[key] === change[key]);
    if (change.__meta_deleted === true) {
      if (index >= 0) items.splice(index, 1);
    } else if (index >= 0) deepMerge(items[index] as Fields, change);
    else items.push(clone(change));
  }
  return items;
}

/** What changed from `before` to `after` (both a list resource's items): changed and new items, and deletions. */
export function listDelta(key: string, before: Fields[], after: Fields[]): Fields[] {
  const delta: Fields[] = [];
  for (const item of after) {
    const old = before.find((candidate) => candidate[key] === item[key]);
    if (!old || JSON.stringify(old) !== JSON.stringify(item)) delta.push(clone(item));
  }
  for (const old of before)
    if (!after.some((item) => item[key] === old[key])) delta.push({ [key]: old[key], __meta_deleted: true });
  return delta;
}

/** The top-level fields of `after` that differ from `before`. */
export function objectDelta(before: Fields, after: Fields): Fields {
  const delta: Fields = {};
  for (const [field, value] of Object.entries(after))
    if (JSON.stringify(before[field]) !== JSON.stringify(value)) delta[field] = clone(value);
  return delta;
}
