// What a row of `codetether bench` is: a benchmark measures figures, each a sample per run, beside what the
// seed (the Rust original's README) claims for it. A new feature adds its row with one entry in registry.ts
// (and a line in the help of src/cli/commands/bench.ts, which must not load the benchmarks).
import type { RecordedRequest, ScriptedModel } from "../../scripted-model/server.ts";
import type { IsolatedHome } from "./isolated-home.ts";

export interface Figure {
  /** Its key in the `--json` output, e.g. "help_ms". */
  key: string;
  label: string;
  unit: "ms" | "MiB" | "req/s";
  /** One value per run. */
  samples: number[];
  /** The seed's claim for the same figure, as the seed words it; absent where it claims nothing. */
  seed?: string;
}

export interface Benchmark {
  /** The name `--only` takes. */
  name: string;
  measure(bench: BenchContext): Promise<Figure[]>;
}

export interface RequestTiming {
  /** When the request arrived at the scripted model (nowMs clock). */
  receivedMs: number;
  /** When its answer was complete. */
  answeredMs?: number;
}

export interface BenchContext {
  runs: number;
  /** The `codetether` script being measured (this very CLI); run as `node <cli> ...`. */
  cli: string;
  /** Where the measured processes live; its config points `modelRef` at the scripted model. */
  home: IsolatedHome;
  modelRef: string;
  model: ScriptedModel;
  timing(request: RecordedRequest): RequestTiming;
  /** Reports what is being measured now, e.g. "run 2/5". */
  progress(detail: string): void;
}

/** Runs `measureOnce` `bench.runs` times (after `warmUp` untimed runs), reporting progress; returns each result. */
export async function eachRun<T>(
  bench: BenchContext,
  measureOnce: () => Promise<T>,
  options: { warmUp?: number; what?: string } = {},
): Promise<T[]> {
  const what = options.what ?? "run";
  for (let i = 0; i < (options.warmUp ?? 0); i++) {
    bench.progress(`warm-up ${what}`);
    await measureOnce();
  }
  const results: T[] = [];
  for (let i = 0; i < bench.runs; i++) {
    bench.progress(`${what} ${i + 1}/${bench.runs}`);
    results.push(await measureOnce());
  }
  return results;
}
