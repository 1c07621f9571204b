// A swarm as a user runs it: `codetether swarm` splitting a task into 10 and into 100 read-only subtasks
// (each sub-agent reads a file once, then reports) at the default concurrency; wall time and peak RSS.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedRequest, ScriptedModel } from "../../../scripted-model/server.ts";
import { eachRun, type Benchmark, type Figure } from "../benchmark.ts";
import { measureNode } from "../measure.ts";

const isSubagent = (r: RecordedRequest) => r.prompt.system.includes("of a swarm, a");
const afterTool = (r: RecordedRequest) => r.body?.messages?.at(-1)?.role === "tool";

/**
 * The scripted turns of one swarm of `size` read-only sub-agents, each reading a file once (notes.txt in the
 * workspace), then answering; each turn after `delayMs`. Also used by bench/swarm.ts.
 */
export function scriptSwarm(model: ScriptedModel, size: number, delayMs = 0): void {
  const subtasks = Array.from({ length: size }, (_, i) => ({
    name: `part-${i + 1}`,
    instruction: "read notes.txt and report its first word",
    specialty: "analysis",
    dependencies: [],
    needs_worktree: false,
  }));
  model.push({
    match: { systemContains: "You split a software task" },
    items: [{ text: JSON.stringify({ subtasks }) }],
  });
  for (let i = 0; i < size; i++)
    model.push(
      {
        match: (r: RecordedRequest) => isSubagent(r) && !afterTool(r),
        items: [{ tool: "read_file", input: { path: "notes.txt" } }],
        delayMs,
      },
      {
        match: (r: RecordedRequest) => isSubagent(r) && afterTool(r),
        items: [{ text: "The first word is 'something'." }],
        delayMs,
      },
    );
  if (size > 1) model.push({ match: { lastUserContains: "# Subtask reports" }, items: [{ text: "All parts read." }] });
}

export const swarmBenchmark: Benchmark = {
  name: "swarm",
  async measure(bench) {
    writeFileSync(join(bench.home.workspace, "notes.txt"), "something to read\n");
    const figures: Figure[] = [];
    for (const [size, seed] of [
      [10, "~55 MB"],
      [100, "330 MB"],
    ] as const) {
      const runs = await eachRun(
        bench,
        async () => {
          scriptSwarm(bench.model, size);
          const args = [bench.cli, "swarm", "--json", "-m", bench.modelRef, `read notes.txt in ${size} parts`];
          const measured = await measureNode(args, { cwd: bench.home.workspace, env: bench.home.env });
          if (bench.model.pending() !== 0) throw new Error(`the swarm of ${size} left scripted turns unused`);
          return measured;
        },
        { what: `swarm of ${size}` },
      );
      figures.push(
        {
          key: `wall_ms_${size}`,
          label: `${size} sub-agents: wall time`,
          unit: "ms",
          samples: runs.map((r) => r.wallMs),
        },
        {
          key: `peak_rss_mib_${size}`,
          label: `${size} sub-agents: peak RSS`,
          unit: "MiB",
          samples: runs.map((r) => r.peakRssMiB),
          seed,
        },
      );
    }
    return figures;
  },
};
