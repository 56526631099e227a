/**
 * The event loop's delay in this process, measured (perf_hooks) while calls run: a call's timers
 * (deadlines, backoffs, throttle admissions, the token floor) each fire late by about this much, so a
 * call's bound grows by it once per timer (loopMarginMs). Measured, not assumed: on an idle machine the margin is a
 * few milliseconds per timer, on a loaded one what the load really cost.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";

/** Sampling resolution in ms: delays shorter than this are not seen, so it is added to each timer too. */
const RESOLUTION_MS = 10;
let histogram: IntervalHistogram | undefined;

/** Starts measuring (once per process); later calls are no-ops. */
export function watchLoopDelay(): void {
  if (histogram) return;
  histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
}

/** The longest delay seen so far, in ms (0 before watchLoopDelay). */
export function maxLoopDelayMs(): number {
  return histogram ? histogram.max / 1e6 : 0;
}

/** The 99th percentile of the delays seen so far, in ms. */
export function p99LoopDelayMs(): number {
  return histogram && histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
}

/**
 * The margin a call with `timers` timers on its worst path needs now: one of them late by the worst
 * delay seen, the others by the 99th percentile (a stall long enough to make the maximum is rare, and
 * delays the call's pending timers all at once rather than each in turn).
 */
export function loopMarginMs(timers: number): number {
  if (timers <= 0) return 0;
  return Math.ceil(maxLoopDelayMs() + RESOLUTION_MS + (timers - 1) * (p99LoopDelayMs() + RESOLUTION_MS));
}
