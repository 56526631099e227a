/**
 * Reads a V8 CPU profile (from `node --cpu-prof` or the inspector) and charges every sample to an
 * owner: the nearest library frame on its stack (a brokerkit middleware file, openapi-fetch,
 * tough-cookie), or the transport when fetch itself (or reading a body) is nearer, or else the area
 * the sample's own code belongs to (GC, Node internals). So a layer is charged for the Request copies,
 * Headers and signals it makes, and not for the fetch or the JSON parsing below it.
 */

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Owner {
  owner: string;
  /** Group for summaries: a brokerkit file, "openapi-fetch", "transport", "GC", … */
  group: string;
  ms: number;
}

export const TRANSPORT = "transport (fetch, reading the body)";
const TRANSPORT_ENTRIES = new Set([
  "fetch",
  "fetch2",
  "json",
  "text",
  "arrayBuffer",
  "blob",
  "formData",
  "consumeBody",
  "specConsumeBody",
  "request",
]);

export function areaOf(url: string, functionName: string): string {
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(idle)") return "idle";
  if (functionName === "(program)") return "V8 (program)";
  const middleware = /packages\/middleware\/dist\/(.+)\.js$/.exec(url);
  if (middleware) return `brokerkit ${middleware[1]}`;
  if (url.includes("openapi-fetch")) return "openapi-fetch";
  if (url.includes("tough-cookie") || url.includes("tldts")) return "tough-cookie";
  if (url.includes("/undici/") || url.includes("node:internal/deps/undici")) return "Node fetch internals";
  if (url.includes("/bench/dist/")) return "bench harness";
  if (url.startsWith("node:")) return `Node ${url.slice(5).split("/").slice(0, 2).join("/")}`;
  return url === "" ? "native" : url.replace(/^.*node_modules\//, "");
}

function libraryOwner(url: string, functionName: string, line: number): Owner | undefined {
  const area = areaOf(url, functionName);
  if (area.startsWith("brokerkit ") || area === "openapi-fetch" || area === "tough-cookie") {
    return { owner: `${area}: ${functionName || "(anonymous)"}:${line + 1}`, group: area, ms: 0 };
  }
  const transportCode = url.startsWith("node:") || url.includes("/undici/");
  if (transportCode && TRANSPORT_ENTRIES.has(functionName) && area !== "bench harness") {
    return { owner: TRANSPORT, group: TRANSPORT, ms: 0 };
  }
  return undefined;
}

/** Milliseconds per owner, busiest first (idle time left out). */
export function chargeOwners(profile: CpuProfile): Owner[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<string, Owner>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || leaf.functionName === "(idle)") continue;
    let owner: Owner | undefined;
    for (let at: number | undefined = id; at !== undefined && !owner; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame) owner = libraryOwner(frame.url, frame.functionName, frame.lineNumber);
    }
    if (!owner) {
      const area = areaOf(leaf.url, leaf.functionName);
      // Fetch's own continuations (socket data, stream pulls) run with no caller on the stack.
      const group = area === "Node fetch internals" ? TRANSPORT : area;
      owner = { owner: group, group, ms: 0 };
    }
    const entry = owners.get(owner.owner) ?? owner;
    entry.ms += (profile.timeDeltas[i] ?? 0) / 1000;
    owners.set(owner.owner, entry);
  }
  return [...owners.values()].sort((a, b) => b.ms - a.ms);
}

/** Milliseconds per group, busiest first. */
export function chargeGroups(owners: readonly Owner[]): { group: string; ms: number }[] {
  const groups = new Map<string, number>();
  for (const o of owners) groups.set(o.group, (groups.get(o.group) ?? 0) + o.ms);
  return [...groups].map(([group, ms]) => ({ group, ms })).sort((a, b) => b.ms - a.ms);
}
