// Bench-only: with CODETETHER_LOOP_DELAY_REPORT_MS set, serve writes its event-loop delay (perf_hooks histogram,
// reset each period) to stderr as one JSON line per period, so a benchmark can read the delay inside serve at
// each load level. Never set in normal use; the monitor is not even loaded then.
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

export const LOOP_DELAY_ENV = "CODETETHER_LOOP_DELAY_REPORT_MS";

/** The line's shape: `{"loopDelayMs":{"p50":…,"p99":…,"max":…},"utilization":…}` (the loop's busy share of the period). */
export interface LoopDelayLine {
  loopDelayMs: { p50: number; p99: number; max: number };
  utilization: number;
}

const RESOLUTION_MS = 10;

/**
 * A loop-delay monitor and how late its timer was, ms: the histogram holds the whole time between the timer's
 * runs, so an idle loop reads the resolution (10 ms), not 0; that period is taken off.
 */
export function loopLateness(): { lateMs(percentile: number): number; maxMs(): number; reset(): void; stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const late = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    lateMs: (percentile) => late(histogram.percentile(percentile)),
    maxMs: () => late(histogram.max),
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  };
}

export function reportLoopDelay(periodMs: number): void {
  const lateness = loopLateness();
  let since = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const line: LoopDelayLine = {
      loopDelayMs: { p50: lateness.lateMs(50), p99: lateness.lateMs(99), max: lateness.maxMs() },
      utilization: Math.round(performance.eventLoopUtilization(now, since).utilization * 100) / 100,
    };
    since = now;
    lateness.reset();
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }, periodMs).unref();
}
