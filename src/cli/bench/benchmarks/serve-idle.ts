// `codetether serve` at rest: its resident memory once listening and settled, a fresh process each run.
import { setTimeout as sleep } from "node:timers/promises";
import { eachRun, type Benchmark } from "../benchmark.ts";
import { rssMiB } from "../processes.ts";
import { startBenchServe } from "../serve-process.ts";

/** Lets start-up work that finishes after the endpoints are printed (timers, lazy loads) settle. */
const SETTLE_MS = 1000;

export const serveIdleBenchmark: Benchmark = {
  name: "serve",
  async measure(bench) {
    const samples = await eachRun(
      bench,
      async () => {
        const serve = await startBenchServe(bench);
        try {
          await sleep(SETTLE_MS);
          return rssMiB(serve.child.pid!);
        } finally {
          await serve.stop();
        }
      },
      { what: "start" },
    );
    return [{ key: "idle_rss_mib", label: "idle RSS", unit: "MiB", samples, seed: "~15 MB" }];
  },
};
