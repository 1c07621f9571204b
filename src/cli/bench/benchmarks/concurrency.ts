// `codetether serve` under concurrent A2A callers: blocking SendMessage, each task one scripted model call.
import { sendMessageLoad } from "../a2a-load.ts";
import { eachRun, type Benchmark } from "../benchmark.ts";
import { BENCH_TOKEN, startBenchServe } from "../serve-process.ts";

const CALLERS = 16;
/** Requests per run: every caller sends several, so a run is more than one wave. */
const REQUESTS = CALLERS * 10;

export const concurrencyBenchmark: Benchmark = {
  name: "concurrency",
  async measure(bench) {
    const serve = await startBenchServe(bench);
    try {
      const target = { url: serve.info.jsonrpc!, headers: { authorization: `Bearer ${BENCH_TOKEN}` } };
      // The warm-up: serve loads the agent, the model client and the stores on its first tasks.
      bench.progress("warm-up");
      await sendMessageLoad(target, CALLERS * 2, CALLERS);
      const rounds = await eachRun(bench, () => sendMessageLoad(target, REQUESTS, CALLERS), {
        what: `round of ${REQUESTS}`,
      });
      return [
        {
          key: "requests_per_second",
          label: `SendMessage, ${CALLERS} callers`,
          unit: "req/s",
          samples: rounds.map((r) => r.requestsPerSecond),
        },
        { key: "p50_ms", label: "p50 latency", unit: "ms", samples: rounds.map((r) => r.p50Ms) },
        { key: "p99_ms", label: "p99 latency", unit: "ms", samples: rounds.map((r) => r.p99Ms) },
      ];
    } finally {
      await serve.stop();
    }
  },
};
