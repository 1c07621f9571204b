// Start-up: `codetether --help` beside bare `node -e 0`, the floor every Node program pays.
import { eachRun, type Benchmark } from "../benchmark.ts";
import { measureNode } from "../measure.ts";

export const startupBenchmark: Benchmark = {
  name: "startup",
  async measure(bench) {
    const floor = await eachRun(bench, () => measureNode(["-e", "0"]), { warmUp: 1, what: "node -e 0" });
    const help = await eachRun(bench, () => measureNode([bench.cli, "--help"], { env: bench.home.env }), {
      warmUp: 1,
      what: "--help",
    });
    return [
      { key: "node_ms", label: "node -e 0 (the floor)", unit: "ms", samples: floor.map((f) => f.wallMs) },
      {
        key: "help_ms",
        label: "codetether --help",
        unit: "ms",
        samples: help.map((f) => f.wallMs),
        seed: "13 ms",
      },
    ];
  },
};
