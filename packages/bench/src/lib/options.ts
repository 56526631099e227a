/** Run-wide settings, from the environment so that `pnpm bench` needs no arguments. */
export const quick = process.env.BENCH_QUICK === "1";

/** Collects garbage when the process runs with --expose-gc (the suites do): keeps one client's GC debt off the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
