/** The drift report as a table to read: one group per operation, one line per difference, a summary. */
import type { Difference, DriftReport } from "./types.js";

const FIELD_WIDTH_CAP = 44;

export function renderReport(report: DriftReport): string {
  const lines: string[] = [];
  const { operations: ops } = report;
  lines.push(`drift ${report.broker}/${report.api}: ${report.ours} vs ${report.upstream}`);
  lines.push(
    `operations: ${ops.upstream} upstream, ${ops.ours} ours, ${ops.shared} shared` +
      (ops.ignored.length
        ? ` (ignored, not HTTP calls: ${plural(ops.ignored.length, "TRACE entry", "TRACE entries")})`
        : ""),
  );
  if (report.allowList) lines.push(`allow-list: ${report.allowList}`);

  const codeWidth = Math.max(0, ...report.differences.map((d) => d.code.length));
  const fieldWidth = Math.min(FIELD_WIDTH_CAP, Math.max(0, ...report.differences.map((d) => (d.field ?? "").length)));
  const line = (d: Difference, subject = d.field ?? "") =>
    `  ${d.code.padEnd(codeWidth)}  ${subject.padEnd(fieldWidth)}  ${values(d)}${d.allowed ? `  — allowed: ${d.allowed.reason}` : ""}`.trimEnd();

  const section = (title: string, items: Difference[], subject?: (d: Difference) => string) => {
    if (!items.length) return;
    lines.push("", title);
    for (const d of items) lines.push(line(d, subject?.(d)));
  };
  const byCode = (code: string) => report.differences.filter((d) => d.code === code);
  section(`Operations missing from our spec (${byCode("op.missing").length})`, byCode("op.missing"), (d) =>
    String(d.operation),
  );
  section(`Operations only in our spec (${byCode("op.extra").length})`, byCode("op.extra"), (d) => String(d.operation));
  const groups = new Map<string, Difference[]>();
  for (const d of report.differences) {
    if (d.code === "op.missing" || d.code === "op.extra" || d.operation === undefined) continue;
    groups.set(d.operation, [...(groups.get(d.operation) ?? []), d]);
  }
  for (const [operation, items] of groups) section(operation, items);
  section(
    "Spec-wide",
    report.differences.filter((d) => d.operation === undefined),
  );
  if (report.stale.length) {
    lines.push("", `Stale allow-list entries: they match no difference; remove them (${report.stale.length})`);
    for (const s of report.stale)
      lines.push(`  ${s.at}  ${[s.code, s.operation, s.field].filter(Boolean).join("  ")}  (${s.reason})`);
  }
  lines.push("", summaryLine(report));
  return lines.join("\n");
}

export function summaryLine(report: DriftReport): string {
  const { summary: s } = report;
  return (
    `drift ${report.broker}/${report.api}: ${plural(s.missing, "missing operation")}, ` +
    `${plural(s.fields, "field difference")}, ${plural(s.other, "other difference")} ` +
    `(extra operations, servers, security); ${s.allowed} allowed; ` +
    plural(s.stale, "stale allow-list entry", "stale allow-list entries")
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function values(d: Difference): string {
  const parts = [
    ...(d.upstream === undefined ? [] : [`upstream: ${d.upstream}`]),
    ...(d.ours === undefined ? [] : [`ours: ${d.ours}`]),
  ];
  return parts.join("; ");
}
