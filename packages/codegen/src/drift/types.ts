/**
 * What `brokerkit drift` reports: one Difference per fact that differs between our spec and the
 * broker's, each with a short code an allow-list entry can name.
 */

/** Kinds a schema comparison reports at a value (the body, a parameter, or a field inside them). */
const VALUE_KINDS = ["type", "enum", "nullable", "variant.missing", "variant.extra"] as const;
/** Kinds reported for a field nested inside a value (`field.missing`, `field.type`, …). */
const FIELD_KINDS = ["missing", "extra", "required", ...VALUE_KINDS] as const;

type ValueKind = (typeof VALUE_KINDS)[number];
type FieldKind = (typeof FIELD_KINDS)[number];
/** Where in an operation a schema lives. */
export type Area = "param" | "body" | "response";
export type ShapeCode = `${Area}.${ValueKind}` | `${Area}.field.${FieldKind}`;

export type DriftCode =
  | "op.missing"
  | "op.extra"
  | "server.missing"
  | "server.extra"
  | "security.missing"
  | "security.extra"
  | "param.missing"
  | "param.extra"
  | "param.renamed"
  | "param.in"
  | "param.required"
  | "body.missing"
  | "body.extra"
  | "body.required"
  | "body.media"
  | "response.missing"
  | "response.extra"
  | "response.media"
  | ShapeCode;

const AREAS: readonly Area[] = ["param", "body", "response"];

/** Every code, in a stable order (the allow-list schema lists the same ones; a test keeps them equal). */
export const DRIFT_CODES: readonly DriftCode[] = [
  "op.missing",
  "op.extra",
  "server.missing",
  "server.extra",
  "security.missing",
  "security.extra",
  "param.missing",
  "param.extra",
  "param.renamed",
  "param.in",
  "param.required",
  "body.missing",
  "body.extra",
  "body.required",
  "body.media",
  "response.missing",
  "response.extra",
  "response.media",
  ...AREAS.flatMap((area) => [
    ...VALUE_KINDS.map((kind) => `${area}.${kind}` as const),
    ...FIELD_KINDS.map((kind) => `${area}.field.${kind}` as const),
  ]),
];

/**
 * Classes `--fail-on` selects: `missing` = operations the broker has and we lack; `fields` = any
 * difference inside a shared operation; `other` = extra operations, servers, security schemes.
 */
export type DriftClass = "missing" | "fields" | "other";

export function classOf(code: DriftCode): DriftClass {
  if (code === "op.missing") return "missing";
  if (code.startsWith("param.") || code.startsWith("body.") || code.startsWith("response.")) return "fields";
  return "other";
}

export interface Difference {
  code: DriftCode;
  class: DriftClass;
  /** `METHOD /path` as the broker writes it (ours for `op.extra`); absent for spec-wide differences. */
  operation?: string;
  /** What inside the operation: a parameter name, `field.path`, `200 field.path`, a server URL, a scheme. */
  field?: string;
  /** The broker's value and ours, printable; absent on the side that lacks it. */
  upstream?: string;
  ours?: string;
  /** Set when an allow-list entry accepts this difference. */
  allowed?: { reason: string; at: string };
}

/** A Difference with its class filled in and empty details left out. */
export function difference(
  code: DriftCode,
  operation: string | undefined,
  details: { field?: string | undefined; upstream?: string | undefined; ours?: string | undefined },
): Difference {
  const out: Difference = { code, class: classOf(code) };
  if (operation !== undefined) out.operation = operation;
  if (details.field) out.field = details.field;
  if (details.upstream) out.upstream = details.upstream;
  if (details.ours) out.ours = details.ours;
  return out;
}

export interface StaleEntry {
  code: string;
  operation?: string;
  field?: string;
  reason: string;
  /** `file:line:column` of the entry. */
  at: string;
}

export interface DriftReport {
  broker: string;
  api: string;
  /** Paths as given or relative to the working directory. */
  ours: string;
  upstream: string;
  allowList?: string;
  operations: { ours: number; upstream: number; shared: number; ignored: string[] };
  differences: Difference[];
  stale: StaleEntry[];
  /** Counts of differences that no allow-list entry accepts, per class, plus allowed and stale. */
  summary: Record<DriftClass, number> & { allowed: number; stale: number };
}
