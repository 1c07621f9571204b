// Swarm benchmark: peak RSS and wall time of `codetether swarm` with 1, 10 and 100 sub-agents on the
// scripted fake model (each sub-agent makes one tool call; all running at once, and 100 at the default
// concurrency of 8), the time to spawn one
// sub-agent in-process, and the speedup of 8 independent subtasks on a slow model at concurrency 8.
// Run: npm run build && node --import tsx --import ./scripts/text-hooks.mjs bench/swarm.ts
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";
import { startFakeModel } from "../test/support/fake-model.ts";
import { scriptSwarm } from "../src/cli/bench/benchmarks/swarm.ts";
import { median } from "../src/cli/bench/measure.ts";
import { measure, printTable, type Figures } from "./measure.ts";

const runs = Number(process.env.BENCH_RUNS) || 5;
const node = process.execPath;
const fake = await startFakeModel();
const sandbox = makeSandbox();
sandbox.writeConfig(fakeProviderToml(fake.url));
writeFileSync(join(sandbox.workspace, "notes.txt"), "something to read\n");

const swarmArgs = (n: number, concurrency = n) => [
  node,
  CLI,
  "swarm",
  "--json",
  "-m",
  "fake/fake-model",
  "--max-subagents",
  String(n),
  "--concurrency",
  String(concurrency),
  `read notes.txt in ${n} parts`,
];

const rows: Figures[] = [];
// All at once (--concurrency n), and 100 at the default --concurrency 8 as a user's `codetether swarm` runs them.
for (const [n, concurrency] of [
  [1, 1],
  [10, 10],
  [100, 100],
  [100, 8],
]) {
  const label = `swarm of ${n} sub-agent${n === 1 ? "" : "s"}${concurrency < n ? `, ${concurrency} at a time` : ""}`;
  rows.push(
    await measure(label, swarmArgs(n, concurrency), {
      runs,
      cwd: sandbox.workspace,
      env: sandbox.env,
      before: () => scriptSwarm(fake, n),
    }),
  );
}
printTable(rows);
if (fake.pending() !== 0) throw new Error(`the swarms left ${fake.pending()} scripted turns unused`);

// Spawn: what starting one more sub-agent costs once the parent is prepared: its session, its input
// stored, its tools and context ready — up to the moment its first model request would go out.
const { prepareAgent } = await import("../src/app/agent-factory.ts");
const { loadConfig } = await import("../src/config/load.ts");
process.env.CODETETHER_DATA_DIR = sandbox.dataDir;
const { config } = loadConfig(sandbox.configPath);
const prepared = await prepareAgent({
  config,
  dataDir: sandbox.dataDir,
  workspace: sandbox.workspace,
  modelRef: "fake/fake-model",
});
const spawns: number[] = [];
for (let i = 0; i < 300; i++) {
  const start = process.hrtime.bigint();
  const session = prepared.store.create({
    directory: sandbox.workspace,
    model: prepared.model.ref,
    agent: "build",
    parentId: prepared.session.id,
  });
  const run = prepared.run("spawn", { session, system: `${prepared.system}\nsub-agent`, maxSteps: 1 });
  for (let event = await run.next(); !event.done && event.value.type !== "step-start"; event = await run.next());
  spawns.push(Number(process.hrtime.bigint() - start) / 1e6);
  await run.return(undefined);
}
await prepared.close();
console.log(
  `\nsub-agent spawn (in-process, until its first model request): median ${median(spawns.slice(50)).toFixed(3)} ms (n=250)`,
);

// Speedup: 8 independent subtasks, every model answer 400 ms late, at concurrency 8.
scriptSwarm(fake, 8, 400);
const result = await swarmJson(swarmArgs(8, 8));
const { speedup_factor, execution_time_ms, sequential_time_estimate_ms } = result.stats;
console.log(
  `speedup, 8 subtasks on a slow model (400 ms a turn) at concurrency 8: ${speedup_factor}× (goal ≥ ${0.8 * 8}×); wall ${execution_time_ms} ms, sequential estimate ${sequential_time_estimate_ms} ms`,
);

await fake.close();
sandbox.cleanup();

function swarmJson(argv: string[]): Promise<{ stats: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: sandbox.workspace, env: sandbox.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(stderr))));
  });
}
