// `codetether serve` figures: idle RSS (goal ≤ 70 MiB) and blocking SendMessage over JSON-RPC
// (requests/s, p50/p99 latency) with the fake model answering at once, side by side in the same run
// with the SDK's own sample server shape and an echo executor (bench/serve-sdk-echo.ts).
// Prints medians of several rounds; never asserts on time. Run: npm run build && node --import tsx bench/serve.ts
// BENCH_BASELINE_CLI=<another build's bin/codetether> (e.g. a worktree of an earlier commit, built) adds that build's
// serve, in its own data dir, as a target: the rounds alternate the targets' order, and the per-round ratio of CPU
// per task (this build / the baseline) is printed, the figure that survives a noisy machine. BENCH_ROUNDS (default 5).
import { sendMessageLoad } from "../src/cli/bench/a2a-load.ts";
import { median } from "../src/cli/bench/measure.ts";
import { cpuTimeMs, rssMiB, startJsonLineProcess, type JsonLineProcess } from "../src/cli/bench/processes.ts";
import { SERVER_NODE_FLAGS } from "../src/cli/serve/node-flags.ts";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
// Untimed tasks first, so that the rounds measure serve as it runs for long: after only 200, the first round still
// ran code V8 had not yet optimised (CPU per task 4.4–5.8 ms against 2.6–3.3 from the third round of 1,000 on).
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const CONCURRENCY = 8;
const TOKEN = "bench-token";

/** Blocking SendMessage (1.0 JSON-RPC) from CONCURRENCY callers; returns req/s and latencies. */
const load = async (url: string, headers: Record<string, string>, count: number) => {
  const figures = await sendMessageLoad({ url, headers }, count, CONCURRENCY);
  return { rps: figures.requestsPerSecond, p50: figures.p50Ms, p99: figures.p99Ms };
};

const fake = await startJsonLineProcess([new URL("../dist/scripted-model.js", import.meta.url).pathname]);
const baselineCli = process.env.BENCH_BASELINE_CLI;
const sandboxes = [makeSandbox(), ...(baselineCli ? [makeSandbox()] : [])];
for (const sandbox of sandboxes) sandbox.writeConfig(fakeProviderToml(fake.info.url!));
// Serve runs as the image runs it (SERVER_NODE_FLAGS). BENCH_SERVE_NODE_ARGS: more node flags for the serve process
// only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
// BENCH_BASELINE_NODE_ARGS: node flags for the baseline's serve only, after those (e.g. BENCH_BASELINE_CLI=bin/codetether
// BENCH_BASELINE_NODE_ARGS=--v8-pool-size=4 compares this build with and without a flag).
const flags = (name: string) => process.env[name]?.split(" ").filter(Boolean) ?? [];
const serveNodeArgs = [...SERVER_NODE_FLAGS, ...flags("BENCH_SERVE_NODE_ARGS")];
const startServe = (cli = CLI, sandbox = sandboxes[0]!, nodeArgs = serveNodeArgs) =>
  startJsonLineProcess(
    [...nodeArgs, cli, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", "fake/fake-model"],
    {
      cwd: sandbox.workspace,
      env: { ...sandbox.env, CODETETHER_AUTH_TOKEN: TOKEN },
    },
  );
const startSdk = () =>
  startJsonLineProcess(["--import", "tsx", new URL("./serve-sdk-echo.ts", import.meta.url).pathname]);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

/** Idle RSS varies by several MiB from one start to the next: the median of IDLE_STARTS fresh processes. */
const IDLE_STARTS = 5;
async function idleRss(start: () => Promise<JsonLineProcess>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < IDLE_STARTS; i++) {
    const server = await start();
    await settle();
    samples.push(rssMiB(server.child.pid!));
    await server.stop();
  }
  return median(samples);
}
const idleServe = await idleRss(() => startServe());
const idleSdk = await idleRss(startSdk);

const serve = await startServe();
const sdk = await startSdk();
const baseline = baselineCli
  ? await startServe(baselineCli, sandboxes[1], [...serveNodeArgs, ...flags("BENCH_BASELINE_NODE_ARGS")])
  : undefined;

try {
  await settle();

  const targets: Array<{ name: string; process: JsonLineProcess; url: string; headers: Record<string, string> }> = [
    {
      name: "codetether serve (fake model, SQLite store, auth)",
      process: serve,
      url: serve.info.jsonrpc!,
      headers: { authorization: `Bearer ${TOKEN}` },
    },
    {
      name: "SDK sample server (echo executor, in-memory store)",
      process: sdk,
      url: `${sdk.info.url}/a2a`,
      headers: {},
    },
    ...(baseline
      ? [
          {
            name: "baseline build's serve (BENCH_BASELINE_CLI)",
            process: baseline,
            url: baseline.info.jsonrpc!,
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        ]
      : []),
  ];
  const results = targets.map(() => ({
    rps: [] as number[],
    p50: [] as number[],
    p99: [] as number[],
    cpuMsPerTask: [] as number[],
  }));
  for (const target of targets)
    await load(target.url, target.headers, WARMUP).catch((error) =>
      Promise.reject(new Error(`${target.name}: ${error.message}`)),
    );
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...targets.entries()];
    for (const [i, target] of round % 2 ? order.reverse() : order) {
      const pid = target.process.child.pid!;
      const cpuBefore = cpuTimeMs(pid);
      const r = await load(target.url, target.headers, REQUESTS);
      results[i]!.cpuMsPerTask.push((cpuTimeMs(pid) - cpuBefore) / REQUESTS);
      results[i]!.rps.push(r.rps);
      results[i]!.p50.push(r.p50);
      results[i]!.p99.push(r.p99);
    }
  }
  const loadedServe = rssMiB(serve.child.pid!);

  console.log(
    `idle RSS, median of ${IDLE_STARTS} starts: codetether serve ${idleServe.toFixed(1)} MiB (goal ≤ 70), SDK sample server ${idleSdk.toFixed(1)} MiB`,
  );
  console.log(`RSS of codetether serve after ${WARMUP + ROUNDS * REQUESTS} tasks: ${loadedServe.toFixed(1)} MiB`);
  console.log(
    `blocking SendMessage, JSON-RPC 1.0, ${CONCURRENCY} concurrent callers, median of ${ROUNDS} rounds × ${REQUESTS} requests:`,
  );
  for (const [i, target] of targets.entries()) {
    const r = results[i]!;
    console.log(
      `  ${target.name.padEnd(52)} ${median(r.rps).toFixed(0).padStart(6)} req/s   p50 ${median(r.p50).toFixed(2)} ms   p99 ${median(r.p99).toFixed(2)} ms   CPU ${median(r.cpuMsPerTask).toFixed(2)} ms/task (rounds ${Math.min(...r.cpuMsPerTask).toFixed(2)}–${Math.max(...r.cpuMsPerTask).toFixed(2)})`,
    );
  }
  if (baseline) {
    const baselineCpu = results[targets.findIndex((target) => target.process === baseline)]!.cpuMsPerTask;
    const ratios = results[0]!.cpuMsPerTask.map((cpu, round) => cpu / baselineCpu[round]!);
    console.log(
      `  CPU per task, this build / the baseline, per round: median ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`,
    );
  }
} finally {
  await Promise.all([serve.stop(), sdk.stop(), baseline?.stop(), fake.stop()]);
  for (const sandbox of sandboxes) sandbox.cleanup();
}
