/** What every suite returns: tables for the terminal and the summary, targets, and the raw figures. */
import type { Cell } from "./table.js";

export interface ResultTable {
  title: string;
  headers: string[];
  rows: Cell[][];
  /** Short notes printed under the table. */
  notes?: string[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
  /** Why it was missed and what would close it (required when missed). */
  note?: string;
}

export interface SuiteResult {
  suite: string;
  title: string;
  durationMs: number;
  /** Rounds, durations and the like: the suite's part of the methodology note. */
  method: string[];
  tables: ResultTable[];
  targets: TargetCheck[];
  data: unknown;
}

export interface Suite {
  name: string;
  title: string;
  run(): Promise<Omit<SuiteResult, "suite" | "title" | "durationMs">>;
}
