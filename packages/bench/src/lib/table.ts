/** Plain-text tables for the terminal and for the markdown summary. */

export type Cell = string | number;

function text(cell: Cell): string {
  return typeof cell === "number" ? String(cell) : cell;
}

export function terminalTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => text(row[i] ?? "").length)));
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, i) => {
        const value = text(cell);
        return typeof cell === "number" ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const escapeCell = (cell: Cell) => text(cell).replace(/\|/g, "\\|");
  const align = headers.map((_, i) => (rows.every((row) => typeof row[i] === "number") ? "---:" : "---"));
  return [
    `| ${headers.map(escapeCell).join(" | ")} |`,
    `| ${align.join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(" | ")} |`),
  ].join("\n");
}
