// `codetether rlm` on content far beyond a context window: a generated 50 MB service log that the scripted
// model explores as a user's model would (grep and count over all of it, a slice, the tail, then the answer);
// wall time and peak RSS.
import { join } from "node:path";
import { eachRun, type Benchmark } from "../benchmark.ts";
import { writeLargeLog } from "../generated-log.ts";
import { measureNode } from "../measure.ts";

const LOG_MB = 50;

export const rlmBenchmark: Benchmark = {
  name: "rlm",
  async measure(bench) {
    const log = join(bench.home.root, "service.log");
    bench.progress(`writing a ${LOG_MB} MB log`);
    writeLargeLog(log, LOG_MB * 1024 * 1024);
    const runs = await eachRun(bench, async () => {
      bench.model.push(
        [
          { tool: "rlm_grep", input: { pattern: "status=503" } },
          { tool: "rlm_count", input: { pattern: "worker-3" } },
        ],
        [
          { tool: "rlm_slice", input: { start: 100_000, end: 100_200 } },
          { tool: "rlm_tail", input: { n: 100 } },
        ],
        [{ tool: "rlm_final", input: { answer: "Every ERROR line is a 503." } }],
      );
      const measured = await measureNode([bench.cli, "rlm", "-m", bench.modelRef, "what failed?", "-f", log], {
        cwd: bench.home.workspace,
        env: bench.home.env,
      });
      if (bench.model.pending() !== 0) throw new Error("the rlm run left scripted turns unused");
      return measured;
    });
    return [
      { key: "wall_ms", label: `${LOG_MB} MB log: wall time`, unit: "ms", samples: runs.map((r) => r.wallMs) },
      { key: "peak_rss_mib", label: `${LOG_MB} MB log: peak RSS`, unit: "MiB", samples: runs.map((r) => r.peakRssMiB) },
    ];
  },
};
