// `codetether bench`: measures this installation offline against the scripted model, in a throwaway home,
// and prints the figures beside the seed's claims.
import { UserError } from "../../contracts/errors.ts";
import type { RecordedRequest } from "../../scripted-model/server.ts";
import { startScriptedModel } from "../../scripted-model/server.ts";
import { painter, printJson } from "../output.ts";
import type { Benchmark, BenchContext, RequestTiming } from "./benchmark.ts";
import { createIsolatedHome } from "./isolated-home.ts";
import { nowMs } from "./measure.ts";
import { progressLine } from "./progress.ts";
import { BENCHMARKS } from "./registry.ts";
import { formatTable, toJson, type BenchResult } from "./report.ts";

export interface BenchOptions {
  runs: number;
  json?: boolean;
  only?: string;
}

/** The benchmarks `--only` names (comma-separated), in the registry's order; all without it. */
function chooseBenchmarks(only: string | undefined): Benchmark[] {
  if (only === undefined) return [...BENCHMARKS];
  const names = only.split(",").map((name) => name.trim());
  const known = BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0 || names.length === 0)
    throw new UserError(`--only: unknown benchmark '${unknown.join(",")}' (known: ${known.join(", ")})`, 2);
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

export async function benchAction(options: BenchOptions): Promise<void> {
  const chosen = chooseBenchmarks(options.only);
  const home = createIsolatedHome("codetether-bench-");
  const timings = new Map<RecordedRequest, RequestTiming>();
  const model = await startScriptedModel([], {
    onRequest: (request) => timings.set(request, { receivedMs: nowMs() }),
    onAnswered: (request) => (timings.get(request)!.answeredMs = nowMs()),
  });
  home.writeConfig(`[providers.bench]\ntype = "openai-compatible"\nbase_url = "${model.url}/v1"\nmodel = "scripted"\n`);
  // Ctrl-C also reaches the measured processes (same process group); the home must not stay behind.
  const interrupted = () => {
    home.cleanup();
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  const progress = progressLine();
  const results: BenchResult[] = [];
  try {
    for (const benchmark of chosen) {
      const bench: BenchContext = {
        runs: options.runs,
        cli: process.argv[1]!,
        home,
        modelRef: "bench/scripted",
        model,
        timing: (request) => timings.get(request)!,
        progress: (detail) => progress.update(benchmark.name, detail),
      };
      progress.update(benchmark.name, "starting");
      results.push({ benchmark, figures: await benchmark.measure(bench) });
    }
  } finally {
    progress.done();
    process.off("SIGINT", interrupted);
    await model.close();
    home.cleanup();
  }
  if (options.json) printJson(toJson(results, options.runs));
  else process.stdout.write(formatTable(results, options.runs, painter(process.stdout)));
}
