/**
 * Brokers whose inputs are broken, reported after every other broker was generated: one broken
 * folder never stops the rest, and the run still fails.
 */
import { type CodegenError, CodegenErrors } from "./errors.js";

export interface BrokerFailure {
  broker: string;
  /** Empty when the failure was a bug in the generator (thrown as itself). */
  errors: CodegenError[];
}

export class BrokerFailures<Report = unknown> extends CodegenErrors {
  readonly failures: readonly BrokerFailure[];
  /** Reports of the brokers that were generated. */
  readonly reports: readonly Report[];

  constructor(failures: readonly BrokerFailure[], reports: readonly Report[]) {
    super(failures.flatMap((f) => f.errors));
    this.name = "BrokerFailures";
    this.failures = failures;
    this.reports = reports;
  }

  /** What the CLI prints: each failed broker with its problems. */
  summary(): string {
    const names = this.failures.map((f) => f.broker);
    const generated = this.reports.length;
    const lines = this.failures.flatMap((f) => [
      `${f.broker}: ${f.errors.length} problem(s)`,
      ...f.errors.map((e) => `  ${e.message}`),
    ]);
    return `${names.length} broker(s) failed: ${names.join(", ")}; ${generated} generated\n${lines.join("\n")}`;
  }
}
