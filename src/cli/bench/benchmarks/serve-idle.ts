// `codetether serve` from a cold start: how long until it listens, and its resident memory once settled, a fresh
// process each run.
import { setTimeout as sleep } from "node:timers/promises";
import { eachRun, type Benchmark } from "../benchmark.ts";
import { nowMs } from "../measure.ts";
import { rssMiB } from "../processes.ts";
import { startBenchServe } from "../serve-process.ts";

/** Lets start-up work that finishes after the endpoints are printed (timers, lazy loads) settle. */
const SETTLE_MS = 1000;

export const serveIdleBenchmark: Benchmark = {
  name: "serve",
  async measure(bench) {
    const runs = await eachRun(
      bench,
      async () => {
        const started = nowMs();
        // Ready when it prints its endpoints: HTTP and gRPC listen, the stores are open.
        const serve = await startBenchServe(bench);
        const listeningMs = nowMs() - started;
        try {
          await sleep(SETTLE_MS);
          return { listeningMs, rss: rssMiB(serve.child.pid!) };
        } finally {
          await serve.stop();
        }
      },
      { what: "start" },
    );
    return [
      {
        key: "listening_ms",
        label: "start → listening",
        unit: "ms",
        samples: runs.map((r) => r.listeningMs),
        seed: "~50 ms cold start (container)",
      },
      { key: "idle_rss_mib", label: "idle RSS", unit: "MiB", samples: runs.map((r) => r.rss), seed: "~15 MB" },
    ];
  },
};
