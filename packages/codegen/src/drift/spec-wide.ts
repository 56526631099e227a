/** What applies to every operation: the servers and the security schemes a spec declares. */
import { deref, isObject, type SpecDocuments } from "../changes/documents.js";
import { type Difference, difference } from "./types.js";

export function compareSpecWide(up: SpecDocuments, ours: SpecDocuments): Difference[] {
  const out: Difference[] = [];
  const root = (spec: SpecDocuments) => (spec.documents[spec.root] ?? {}) as Record<string, unknown>;
  compareUrls(root(up).servers, root(ours).servers, (code, url) =>
    out.push(difference(code, undefined, { field: url, [code === "server.missing" ? "upstream" : "ours"]: url })),
  );
  const upSchemes = schemes(up);
  const ourSchemes = schemes(ours);
  const ourSignatures = new Set(ourSchemes.values());
  const upSignatures = new Set(upSchemes.values());
  // Scheme names are each spec's own choice; what they ask the caller to send is what counts.
  for (const [name, signature] of upSchemes)
    if (!ourSignatures.has(signature))
      out.push(difference("security.missing", undefined, { field: name, upstream: signature }));
  for (const [name, signature] of ourSchemes)
    if (!upSignatures.has(signature))
      out.push(difference("security.extra", undefined, { field: name, ours: signature }));
  return out;
}

/** Server URL lists compared as sets (a trailing slash is not a difference). */
export function compareUrls(
  up: unknown,
  ours: unknown,
  emit: (code: "server.missing" | "server.extra", url: string) => void,
): void {
  const urls = (list: unknown) =>
    Array.isArray(list) ? list.filter(isObject).map((s) => String(s.url).replace(/\/+$/, "")) : [];
  const upUrls = urls(up);
  const ourUrls = urls(ours);
  for (const url of upUrls) if (!ourUrls.includes(url)) emit("server.missing", url);
  for (const url of ourUrls) if (!upUrls.includes(url)) emit("server.extra", url);
}

/** Scheme name → what it asks for, e.g. `apiKey in header apca-api-key-id`, `http basic`, `oauth2 clientCredentials`. */
function schemes(spec: SpecDocuments): Map<string, string> {
  const out = new Map<string, string>();
  const components = (spec.documents[spec.root] as { components?: { securitySchemes?: unknown } } | undefined)
    ?.components;
  const declared = components?.securitySchemes;
  if (!isObject(declared)) return out;
  for (const [name, raw] of Object.entries(declared)) {
    const scheme = deref(spec, raw, spec.root).value;
    if (isObject(scheme)) out.set(name, signature(scheme));
  }
  return out;
}

function signature(scheme: Record<string, unknown>): string {
  const type = String(scheme.type);
  switch (type) {
    case "apiKey": {
      const where = String(scheme.in);
      const name = String(scheme.name);
      return `apiKey in ${where} ${where === "header" ? name.toLowerCase() : name}`;
    }
    case "http":
      return `http ${String(scheme.scheme).toLowerCase()}`;
    case "oauth2":
      return `oauth2 ${isObject(scheme.flows) ? Object.keys(scheme.flows).sort().join(" + ") : ""}`.trim();
    case "openIdConnect":
      return `openIdConnect ${String(scheme.openIdConnectUrl)}`;
    default:
      return type;
  }
}
