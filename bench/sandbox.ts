// Sandbox figures: what one bash call costs under bubblewrap, with rlimits only (danger-full-access), and
// as a bare `bash -c` spawn. Median of 20 `true` commands each; never asserts on time.
// Run: node --import tsx bench/sandbox.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../src/config/schema.ts";
import { Sandbox } from "../src/sandbox/runner.ts";
import { runProcessTree } from "../src/sandbox/process-tree.ts";
import { median, nowMs } from "../src/cli/bench/measure.ts";

const RUNS = 20;
const root = mkdtempSync(join(tmpdir(), "codetether-bench-sandbox-"));
const signal = new AbortController().signal;

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm: the bwrap probe, the page cache
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = nowMs();
    await run();
    times.push(nowMs() - started);
  }
  return median(times);
}

function sandboxed(mode: "workspace-write" | "danger-full-access"): () => Promise<unknown> {
  const sandbox = new Sandbox({ config: configSchema.parse({ sandbox: { mode } }), dataDir: join(root, "data") });
  return () =>
    sandbox.run({
      tool: "bash",
      command: "true",
      workspace: root,
      timeoutMs: 10_000,
      signal,
      onOutput: () => {},
      sessionId: "bench",
      callId: "bench",
    });
}

try {
  const bare = await medianMs(() =>
    runProcessTree(["bash", "-c", "true"], {
      cwd: root,
      env: process.env,
      timeoutMs: 10_000,
      signal,
      onOutput: () => {},
    }),
  );
  const limited = await medianMs(sandboxed("danger-full-access"));
  const bwrap = await medianMs(sandboxed("workspace-write"));
  console.log(`bash -c true, median of ${RUNS}:`);
  console.log(`  bare spawn                         ${bare.toFixed(1)} ms`);
  console.log(`  rlimits + scrubbed env             ${limited.toFixed(1)} ms`);
  console.log(`  bubblewrap + rlimits + scrubbed    ${bwrap.toFixed(1)} ms  (+${(bwrap - bare).toFixed(1)} ms)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
