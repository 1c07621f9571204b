// `codetether serve` as the serve benchmarks run it: as the image runs it (SERVER_NODE_FLAGS), in the bench's home,
// on free ports, with a known token.
import type { BenchContext } from "./benchmark.ts";
import { startJsonLineProcess, type JsonLineProcess } from "./processes.ts";
import { SERVER_NODE_FLAGS } from "../serve/node-flags.ts";

export const BENCH_TOKEN = "codetether-bench-token";

export function startBenchServe(bench: BenchContext): Promise<JsonLineProcess> {
  return startJsonLineProcess(
    [...SERVER_NODE_FLAGS, bench.cli, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", bench.modelRef],
    {
      cwd: bench.home.workspace,
      env: { ...bench.home.env, CODETETHER_AUTH_TOKEN: BENCH_TOKEN },
    },
  );
}
