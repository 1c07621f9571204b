// `codetether serve` as the serve benchmarks run it: in the bench's home, on free ports, with a known token.
import type { BenchContext } from "./benchmark.ts";
import { startJsonLineProcess, type JsonLineProcess } from "./processes.ts";

export const BENCH_TOKEN = "codetether-bench-token";

export function startBenchServe(bench: BenchContext): Promise<JsonLineProcess> {
  return startJsonLineProcess([bench.cli, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", bench.modelRef], {
    cwd: bench.home.workspace,
    env: { ...bench.home.env, CODETETHER_AUTH_TOKEN: BENCH_TOKEN },
  });
}
