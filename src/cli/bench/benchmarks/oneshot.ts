// A one-shot task as a user runs it: `codetether run "create hello.txt containing hi"`, the scripted model
// answering with one write_file call and a closing sentence.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { eachRun, type Benchmark } from "../benchmark.ts";
import { measureNode, nowMs } from "../measure.ts";

export const oneshotBenchmark: Benchmark = {
  name: "oneshot",
  async measure(bench) {
    const hello = join(bench.home.workspace, "hello.txt");
    const runs = await eachRun(
      bench,
      async () => {
        rmSync(hello, { force: true });
        let firstRequestAt: number | undefined;
        bench.model.push(
          {
            items: [{ tool: "write_file", input: { path: "hello.txt", content: "hi" } }],
            match: () => ((firstRequestAt ??= nowMs()), true),
          },
          "Created hello.txt.",
        );
        const started = nowMs();
        const figures = await measureNode([bench.cli, "run", "-m", bench.modelRef, "create hello.txt containing hi"], {
          cwd: bench.home.workspace,
          env: bench.home.env,
        });
        if (!existsSync(hello) || readFileSync(hello, "utf8") !== "hi")
          throw new Error("the one-shot task did not create hello.txt");
        return { ...figures, firstRequestMs: firstRequestAt! - started };
      },
      // The first run writes the code cache, as the first run after an install does.
      { warmUp: 1 },
    );
    return [
      { key: "wall_ms", label: "wall time", unit: "ms", samples: runs.map((r) => r.wallMs) },
      {
        key: "first_request_ms",
        label: "start → first model request",
        unit: "ms",
        samples: runs.map((r) => r.firstRequestMs),
      },
      { key: "cpu_ms", label: "CPU time", unit: "ms", samples: runs.map((r) => r.cpuMs) },
      { key: "peak_rss_mib", label: "peak RSS", unit: "MiB", samples: runs.map((r) => r.peakRssMiB) },
    ];
  },
};
