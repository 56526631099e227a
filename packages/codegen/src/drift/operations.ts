/**
 * Pairs the broker's operations with ours by method and path template (parameter names ignored:
 * `/v2/orders/{order_id}` ≡ `/v2/orders/{orderId}`) and compares what a caller sends and receives:
 * parameters, the request body, the success responses, and per-operation servers.
 */
import { isObject, type Located, type SpecDocuments } from "../changes/documents.js";
import { type OperationView, operationsOf } from "../changes/operations.js";
import { compareShapes, describe } from "./compare-shape.js";
import { shapeOf } from "./shape.js";
import { compareUrls } from "./spec-wide.js";
import { type Area, type Difference, type DriftCode, difference } from "./types.js";

export interface OperationComparison {
  differences: Difference[];
  counts: { ours: number; upstream: number; shared: number };
  /** Entries that are not HTTP calls (TRACE stand-ins for WebSocket pages), per side. */
  ignored: string[];
}

/** `GET /v2/orders/{}`: the key two specs' operations are paired by. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.trim().replace(/\{[^}]*\}/g, "{}")}`;
}

export function compareOperations(upSpec: SpecDocuments, ourSpec: SpecDocuments): OperationComparison {
  const ignored: string[] = [];
  const up = index(upSpec, "upstream", ignored);
  const ours = index(ourSpec, "ours", ignored);
  const differences: Difference[] = [];
  let shared = 0;
  for (const [key, op] of up) {
    const mine = ours.get(key);
    if (!mine) {
      differences.push(difference("op.missing", label(op), { upstream: op.operationId ?? "" }));
      continue;
    }
    shared++;
    const emit = (code: DriftCode, field: string, upstream?: string, our?: string) =>
      differences.push(difference(code, label(op), { field, upstream, ours: our }));
    const context: Pair = { up: upSpec, ours: ourSpec, emit };
    compareParameters(context, op, mine);
    compareBody(context, op, mine);
    compareResponses(context, op, mine);
    compareUrls(op.servers, mine.servers, (code, url) =>
      emit(code, url, code === "server.missing" ? url : undefined, code === "server.extra" ? url : undefined),
    );
  }
  for (const [key, op] of ours) {
    if (!up.has(key)) differences.push(difference("op.extra", label(op), { ours: op.operationId ?? "" }));
  }
  return { differences, counts: { ours: ours.size, upstream: up.size, shared }, ignored };
}

interface Pair {
  up: SpecDocuments;
  ours: SpecDocuments;
  emit: (code: DriftCode, field: string, upstream?: string, ours?: string) => void;
}

function index(spec: SpecDocuments, side: string, ignored: string[]): Map<string, OperationView> {
  const out = new Map<string, OperationView>();
  for (const op of operationsOf(spec).values()) {
    // Same rule as the generator: TRACE entries document WebSocket channels, they are not calls.
    if (op.method === "TRACE") {
      ignored.push(`${side}: ${op.method} ${op.path.trim()}`);
      continue;
    }
    const key = operationKey(op.method, op.path);
    // Two templates that differ only by parameter names stay apart rather than hide one another.
    out.set(out.has(key) ? `${op.method} ${op.path}` : key, op);
  }
  return out;
}

function label(op: OperationView): string {
  return `${op.method} ${op.path.trim()}`;
}

/** Headers the OpenAPI spec says to ignore as parameters: they are set by the transport and security. */
const TRANSPORT_HEADERS = new Set(["accept", "content-type", "authorization"]);

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema?: Located;
}

function parametersOf(op: OperationView): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  for (const located of op.parameters.values()) {
    const raw = located.value as Record<string, unknown>;
    const where = String(raw.in);
    const name = String(raw.name);
    if (where === "header" && TRANSPORT_HEADERS.has(name.toLowerCase())) continue;
    const content = isObject(raw.content) ? Object.values(raw.content)[0] : undefined;
    const schema = raw.schema ?? (isObject(content) ? content.schema : undefined);
    out.set(parameterKey(where, name), {
      name,
      in: where,
      required: where === "path" || raw.required === true,
      ...(schema === undefined ? {} : { schema: { value: schema, doc: located.doc } }),
    });
  }
  return out;
}

/** Header names are case-insensitive; everything else is compared as written. */
function parameterKey(where: string, name: string): string {
  return `${where}:${where === "header" ? name.toLowerCase() : name}`;
}

function compareParameters({ up, ours, emit }: Pair, upOp: OperationView, ourOp: OperationView): void {
  const upParams = parametersOf(upOp);
  const ourParams = parametersOf(ourOp);
  // Path parameters pair by position, since the templates already matched; a new name is a rename.
  const upNames = templateNames(upOp.path);
  const ourNames = templateNames(ourOp.path);
  upNames.forEach((upName, i) => {
    const ourName = ourNames[i];
    if (ourName === undefined || ourName === upName) return;
    emit("param.renamed", upName, upName, ourName);
    const mine = ourParams.get(parameterKey("path", ourName));
    ourParams.delete(parameterKey("path", ourName));
    if (mine) ourParams.set(parameterKey("path", upName), mine);
  });
  for (const [key, param] of upParams) {
    if (!ourParams.has(key)) {
      // Same name, another location (query vs header): one difference, not a missing and an extra.
      const elsewhere = [...ourParams.values()].find(
        (p) => p.name === param.name && !upParams.has(parameterKey(p.in, p.name)),
      );
      if (elsewhere) {
        emit("param.in", param.name, param.in, elsewhere.in);
        ourParams.delete(parameterKey(elsewhere.in, elsewhere.name));
        ourParams.set(key, elsewhere);
      } else {
        const shape = param.schema ? describe(shapeOf(up, param.schema), param.required) : "";
        emit("param.missing", param.name, `in ${param.in}${shape ? `, ${shape}` : ""}`);
        continue;
      }
    }
    const matched = ourParams.get(key) as Parameter;
    if (param.required !== matched.required)
      emit(
        "param.required",
        param.name,
        param.required ? "required" : "optional",
        matched.required ? "required" : "optional",
      );
    compareSchemas({ up, ours, emit }, "param", param.schema, matched.schema, (rel) =>
      rel === "" || /^[[{@]/.test(rel) ? `${param.name}${rel}` : `${param.name}.${rel}`,
    );
  }
  for (const [key, param] of ourParams) {
    if (upParams.has(key)) continue;
    const shape = param.schema ? describe(shapeOf(ours, param.schema), param.required) : "";
    emit("param.extra", param.name, undefined, `in ${param.in}${shape ? `, ${shape}` : ""}`);
  }
}

function templateNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] as string);
}

function compareSchemas(
  { up, ours, emit }: Pair,
  area: Area,
  upSchema: Located | undefined,
  ourSchema: Located | undefined,
  field: (rel: string) => string,
): void {
  if (!upSchema || !ourSchema) return;
  compareShapes(area, shapeOf(up, upSchema), shapeOf(ours, ourSchema), (code, rel, upstream, our) =>
    emit(code, field(rel), upstream, our),
  );
}

interface Media {
  /** Media types as declared. */
  types: string[];
  /** The one compared: JSON when there is one, else the first. */
  chosen?: string;
  schema?: Located;
}

function mediaOf(holder: Located | undefined): Media {
  const content = isObject(holder?.value) ? (holder.value as { content?: unknown }).content : undefined;
  if (!isObject(content)) return { types: [] };
  const types = Object.keys(content);
  const chosen =
    types.find((t) => /^application\/json\b/i.test(t)) ?? types.find((t) => /[/+]json\b/i.test(t)) ?? types[0];
  const entry = chosen === undefined ? undefined : content[chosen];
  const schema = isObject(entry) && entry.schema !== undefined ? entry.schema : undefined;
  return {
    types,
    ...(chosen === undefined ? {} : { chosen }),
    ...(schema === undefined ? {} : { schema: { value: schema, doc: (holder as Located).doc } }),
  };
}

/** `application/json; charset=utf-8` and `application/json` are the same thing on the wire. */
function sameMedia(a: Media, b: Media): boolean {
  const bare = (m: Media) => m.chosen?.split(";")[0]?.trim().toLowerCase();
  return bare(a) === bare(b);
}

function mediaText(media: Media): string {
  return media.types.length ? media.types.join(", ") : "no content";
}

function compareBody(pair: Pair, upOp: OperationView, ourOp: OperationView): void {
  const upBody = upOp.requestBody;
  const ourBody = ourOp.requestBody;
  if (!upBody && !ourBody) return;
  const upMedia = mediaOf(upBody);
  const ourMedia = mediaOf(ourBody);
  if (!ourBody || !upBody) {
    if (upBody) pair.emit("body.missing", "", mediaText(upMedia));
    else pair.emit("body.extra", "", undefined, mediaText(ourMedia));
    return;
  }
  const required = (body: Located) => (body.value as { required?: unknown }).required === true;
  if (required(upBody) !== required(ourBody))
    pair.emit(
      "body.required",
      "",
      required(upBody) ? "required" : "optional",
      required(ourBody) ? "required" : "optional",
    );
  if (!sameMedia(upMedia, ourMedia)) pair.emit("body.media", "", mediaText(upMedia), mediaText(ourMedia));
  compareSchemas(pair, "body", upMedia.schema, ourMedia.schema, (rel) => rel);
}

const SUCCESS = /^2(\d\d|XX)$/i;

function compareResponses(pair: Pair, upOp: OperationView, ourOp: OperationView): void {
  const statuses = (op: OperationView) => [...op.responses.keys()].filter((s) => SUCCESS.test(s));
  const upStatuses = statuses(upOp);
  const ourStatuses = statuses(ourOp);
  for (const status of upStatuses) {
    const ours = ourOp.responses.get(status);
    const upMedia = mediaOf(upOp.responses.get(status));
    if (!ours) {
      pair.emit("response.missing", status, mediaText(upMedia));
      continue;
    }
    const ourMedia = mediaOf(ours);
    if (!sameMedia(upMedia, ourMedia)) pair.emit("response.media", status, mediaText(upMedia), mediaText(ourMedia));
    compareSchemas(pair, "response", upMedia.schema, ourMedia.schema, (rel) => (rel ? `${status} ${rel}` : status));
  }
  for (const status of ourStatuses) {
    if (!upStatuses.includes(status))
      pair.emit("response.extra", status, undefined, mediaText(mediaOf(ourOp.responses.get(status))));
  }
}
