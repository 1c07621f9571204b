// Sub-agent spawn: how long the `task` tool takes to start a sub-agent, timed at the scripted model from the
// end of the answer that calls `task` to the arrival of the sub-agent's first request. That span holds all
// the spawn costs (the call parsed, authorized, the child session stored, its tools and prompt assembled,
// its request sent) plus what every tool step costs (the stream's end, a loopback HTTP request); for scale,
// the same span for a plain `list_dir` call to the parent's next request. All in one `codetether run`, one
// step after another (list_dir first, so both see a short history; its depth alternates, as the same call
// repeated is stopped as a loop); the first of each kind is a warm-up.
import type { RecordedRequest } from "../../../scripted-model/server.ts";
import type { Benchmark } from "../benchmark.ts";
import { measureNode } from "../measure.ts";

const hasTaskTool = (request: RecordedRequest | undefined) =>
  Array.isArray(request?.body?.tools) &&
  request.body.tools.some((tool: { function?: { name?: string } }) => tool.function?.name === "task");

export const spawnBenchmark: Benchmark = {
  name: "spawn",
  async measure(bench) {
    const steps = bench.runs + 1;
    for (let i = 0; i < steps; i++) bench.model.push([{ tool: "list_dir", input: { depth: 1 + (i % 2) } }]);
    for (let i = 0; i < steps; i++)
      bench.model.push(
        [{ tool: "task", input: { description: `look around ${i}`, prompt: "List the workspace.", agent: "explore" } }],
        `Sub-agent ${i}: the workspace is empty.`,
      );
    bench.model.push("Done.");
    const first = bench.model.requests.length;
    bench.progress(`${steps} list_dir calls and ${steps} sub-agents in one run`);
    await measureNode([bench.cli, "run", "-m", bench.modelRef, "look around with sub-agents"], {
      cwd: bench.home.workspace,
      env: bench.home.env,
    });
    const requests = bench.model.requests.slice(first);
    /** From the end of the answer to `request` to the arrival of `next`. */
    const gap = (request: RecordedRequest, next: RecordedRequest) =>
      bench.timing(next).receivedMs - bench.timing(request).answeredMs!;
    const plain: number[] = [];
    for (let i = 0; i < steps; i++) {
      const [call, next] = [requests[i], requests[i + 1]];
      if (!hasTaskTool(call) || !hasTaskTool(next))
        throw new Error(`spawn: request ${i + 2} of the run was not the parent's after list_dir`);
      if (i > 0) plain.push(gap(call!, next!));
    }
    const spawn: number[] = [];
    for (let i = 0; i < steps; i++) {
      const [parent, child] = [requests[steps + 2 * i], requests[steps + 2 * i + 1]];
      if (!hasTaskTool(parent) || !child || hasTaskTool(child))
        throw new Error(`spawn: request ${steps + 2 * i + 2} of the run was not sub-agent ${i}'s first request`);
      if (i > 0) spawn.push(gap(parent!, child));
    }
    return [
      { key: "spawn_ms", label: "task call → sub-agent's first request", unit: "ms", samples: spawn, seed: "1.5 ms" },
      { key: "tool_step_ms", label: "for scale: list_dir call → next request", unit: "ms", samples: plain },
    ];
  },
};
