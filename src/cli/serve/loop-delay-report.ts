// Bench-only: with CODETETHER_LOOP_DELAY_REPORT_MS set, serve writes its event-loop delay (perf_hooks histogram,
// reset each period) to stderr as one JSON line per period, so a benchmark can read the delay inside serve at
// each load level. Never set in normal use; the monitor is not even loaded then.
import { monitorEventLoopDelay } from "node:perf_hooks";

export const LOOP_DELAY_ENV = "CODETETHER_LOOP_DELAY_REPORT_MS";

/** The line's shape: `{"loopDelayMs":{"p50":…,"p99":…,"max":…}}`. */
export interface LoopDelayLine {
  loopDelayMs: { p50: number; p99: number; max: number };
}

export function reportLoopDelay(periodMs: number): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  setInterval(() => {
    const line: LoopDelayLine = {
      loopDelayMs: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
    };
    histogram.reset();
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }, periodMs).unref();
}
