// `codetether serve` figures: idle RSS (goal ≤ 60 MiB) and blocking SendMessage over JSON-RPC
// (requests/s, p50/p99 latency) with the fake model answering at once, side by side in the same run
// with the SDK's own sample server shape and an echo executor (bench/serve-sdk-echo.ts).
// Prints medians of several rounds; never asserts on time. Run: npm run build && node --import tsx bench/serve.ts
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";

const ROUNDS = 3;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const WARMUP = 200;
const CONCURRENCY = 8;
const TOKEN = "bench-token";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const mib = (kib: number) => (kib / 1024).toFixed(1);

function rssKib(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : NaN;
}

async function spawnJsonLine(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  const child = spawn(process.execPath, args, { ...options, stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await once(createInterface({ input: child.stdout! }), "line");
  return { child, info: JSON.parse(line as string) };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

/** Blocking SendMessage (1.0 JSON-RPC) from CONCURRENCY callers; returns req/s and latencies. */
async function load(url: string, headers: Record<string, string>, count: number): Promise<{ rps: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const body = (i: number) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "SendMessage", params: { message: { messageId: `m-${process.pid}-${Date.now()}-${i}`, role: "ROLE_USER", parts: [{ text: "say hi" }] } } });
  const started = nowMs();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = nowMs();
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "a2a-version": "1.0", ...headers }, body: body(i) });
        const json = (await res.json()) as { result?: { task?: { status?: { state?: string } } } };
        if (json.result?.task?.status?.state !== "TASK_STATE_COMPLETED") throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
        latencies.push(nowMs() - t0);
      }
    }),
  );
  const elapsed = nowMs() - started;
  latencies.sort((a, b) => a - b);
  return { rps: count / (elapsed / 1000), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

const fake = await spawnJsonLine(["--import", "tsx", new URL("../test/support/fake-model-cli.ts", import.meta.url).pathname]);
const sandbox = makeSandbox();
sandbox.writeConfig(fakeProviderToml(fake.info.url!));
// BENCH_SERVE_NODE_ARGS: node flags for the serve process only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
const serveNodeArgs = process.env.BENCH_SERVE_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
const startServe = () =>
  spawnJsonLine([...serveNodeArgs, CLI, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", "fake/fake-model"], {
    cwd: sandbox.workspace,
    env: { ...sandbox.env, CODETETHER_AUTH_TOKEN: TOKEN },
  });
const startSdk = () => spawnJsonLine(["--import", "tsx", new URL("./serve-sdk-echo.ts", import.meta.url).pathname]);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

/** Idle RSS varies by several MiB from one start to the next: the median of IDLE_STARTS fresh processes. */
const IDLE_STARTS = 5;
async function idleRss(start: () => ReturnType<typeof spawnJsonLine>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < IDLE_STARTS; i++) {
    const { child } = await start();
    child.stdout!.resume();
    await settle();
    samples.push(rssKib(child.pid!));
    await stop(child);
  }
  return median(samples);
}
const idleServe = await idleRss(startServe);
const idleSdk = await idleRss(startSdk);

const serve = await startServe();
const sdk = await startSdk();
fake.child.stdout!.resume();

try {
  await settle();

  const targets: Array<{ name: string; url: string; headers: Record<string, string> }> = [
    { name: "codetether serve (fake model, SQLite store, auth)", url: serve.info.jsonrpc!, headers: { authorization: `Bearer ${TOKEN}` } },
    { name: "SDK sample server (echo executor, in-memory store)", url: `${sdk.info.url}/a2a`, headers: {} },
  ];
  const results = targets.map(() => ({ rps: [] as number[], p50: [] as number[], p99: [] as number[] }));
  for (const target of targets) await load(target.url, target.headers, WARMUP).catch((error) => Promise.reject(new Error(`${target.name}: ${error.message}`)));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) {
      const r = await load(target.url, target.headers, REQUESTS);
      results[i]!.rps.push(r.rps);
      results[i]!.p50.push(r.p50);
      results[i]!.p99.push(r.p99);
    }
  }
  const loadedServe = rssKib(serve.child.pid!);

  console.log(`idle RSS, median of ${IDLE_STARTS} starts: codetether serve ${mib(idleServe)} MiB (goal ≤ 60), SDK sample server ${mib(idleSdk)} MiB`);
  console.log(`RSS of codetether serve after ${WARMUP + ROUNDS * REQUESTS} tasks: ${mib(loadedServe)} MiB`);
  console.log(`blocking SendMessage, JSON-RPC 1.0, ${CONCURRENCY} concurrent callers, median of ${ROUNDS} rounds × ${REQUESTS} requests:`);
  for (const [i, target] of targets.entries()) {
    const r = results[i]!;
    console.log(`  ${target.name.padEnd(52)} ${median(r.rps).toFixed(0).padStart(6)} req/s   p50 ${median(r.p50).toFixed(2)} ms   p99 ${median(r.p99).toFixed(2)} ms`);
  }
} finally {
  await Promise.all([stop(serve.child), stop(sdk.child), stop(fake.child)]);
  sandbox.cleanup();
}
