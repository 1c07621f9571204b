// `codetether rlm` on a generated 200 MB log through the built CLI and the scripted fake model: peak RSS
// (against the same run on a small file) and wall time of an exploration that greps and counts the whole
// file, then reads a slice and the tail.
// Run: npm run bench -- rlm   (RLM_BENCH_MB=50 for a smaller file)
import { join } from "node:path";
import { startFakeModel } from "../test/support/fake-model.ts";
import { fakeProviderToml, makeSandbox, runCli } from "../test/support/cli.ts";
import { writeLargeLog } from "../test/support/generated-content.ts";

const megabytes = Number(process.env.RLM_BENCH_MB ?? 200);
const preload = new URL("../test/rlm/max-rss-preload.cjs", import.meta.url).pathname;
const fake = await startFakeModel();
const sandbox = makeSandbox();
sandbox.writeConfig(fakeProviderToml(fake.url));

async function explore(file: string): Promise<{ ms: number; rssMb: number; bytes: number }> {
  fake.push(
    [
      { tool: "rlm_grep", input: { pattern: "status=503" } },
      { tool: "rlm_count", input: { pattern: "worker-3" } },
    ],
    [
      { tool: "rlm_slice", input: { start: 100_000, end: 100_200 } },
      { tool: "rlm_tail", input: { n: 100 } },
    ],
    [{ tool: "rlm_final", input: { answer: "done" } }],
  );
  const started = performance.now();
  const r = await runCli(sandbox, ["rlm", "-m", "fake/fake-model", "--json", "what failed?", "-f", file], {
    env: { NODE_OPTIONS: `--require ${preload}` },
    timeoutMs: 600_000,
  });
  const ms = performance.now() - started;
  if (r.code !== 0) throw new Error(`rlm failed (${r.code}): ${r.stderr}`);
  const rss = /max_rss_kb=(\d+)/.exec(r.stderr);
  return { ms, rssMb: Number(rss?.[1]) / 1024, bytes: JSON.parse(r.stdout).content_bytes };
}

try {
  const small = join(sandbox.root, "small.log");
  writeLargeLog(small, 1);
  const big = join(sandbox.root, "big.log");
  const started = performance.now();
  const lines = writeLargeLog(big, megabytes * 1024 * 1024);
  console.log(
    `generated ${megabytes} MB log (${lines} lines) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const base = await explore(small);
  const run = await explore(big);
  console.log(`small file:  ${base.ms.toFixed(0)} ms, peak RSS ${base.rssMb.toFixed(1)} MB`);
  console.log(
    `${(run.bytes / 1048576).toFixed(0)} MB log: ${(run.ms / 1000).toFixed(2)} s (index, detection, 2 full scans, slice, tail, 3 model steps), peak RSS ${run.rssMb.toFixed(1)} MB (+${(run.rssMb - base.rssMb).toFixed(1)} MB)`,
  );
} finally {
  await fake.close();
  sandbox.cleanup();
}
