// The rows of `codetether bench`, in the order they run and print. A feature adds its benchmark here.
import type { Benchmark } from "./benchmark.ts";
import { concurrencyBenchmark } from "./benchmarks/concurrency.ts";
import { oneshotBenchmark } from "./benchmarks/oneshot.ts";
import { rlmBenchmark } from "./benchmarks/rlm.ts";
import { serveIdleBenchmark } from "./benchmarks/serve-idle.ts";
import { spawnBenchmark } from "./benchmarks/spawn.ts";
import { startupBenchmark } from "./benchmarks/startup.ts";
import { swarmBenchmark } from "./benchmarks/swarm.ts";

export const BENCHMARKS: readonly Benchmark[] = [
  startupBenchmark,
  oneshotBenchmark,
  serveIdleBenchmark,
  spawnBenchmark,
  concurrencyBenchmark,
  swarmBenchmark,
  rlmBenchmark,
];
