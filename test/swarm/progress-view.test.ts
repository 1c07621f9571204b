import assert from "node:assert/strict";
import { test } from "node:test";
import { SwarmProgressView } from "../../src/cli/swarm/progress-view.ts";
import type { SwarmEvent } from "../../src/swarm/types.ts";

// The layout is asserted without colour codes (colour is the painter's, tested with the CLI output).
process.env.NO_COLOR = "1";

const started: SwarmEvent = {
  type: "started",
  swarm_id: "swarm_x",
  task: "t",
  resumed: false,
  source: "model",
  subtasks: [
    { id: "st-1", name: "alpha", specialty: "coding", dependencies: [], needs_worktree: true },
    { id: "st-2", name: "beta", specialty: "review", dependencies: ["st-1"], needs_worktree: false },
  ],
  stages: [["st-1"], ["st-2"]],
};
const update = (state: "running" | "awaiting_merge", step: number, tool?: string): SwarmEvent => ({
  type: "subtask_update",
  swarm_id: "swarm_x",
  subtask_id: "st-1",
  state,
  step,
  tool,
  elapsed_ms: 1500,
  tokens: 2400,
});

function stream(isTTY: boolean) {
  const out = { text: "", isTTY, columns: 120, write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

test("on a TTY: one line per sub-agent, redrawn in place (cursor up, clear) with state, step, elapsed, tokens, tool", async () => {
  const out = stream(true);
  const view = new SwarmProgressView(out as unknown as NodeJS.WriteStream);
  view.handle(started);
  view.handle(update("running", 2, "write_file"));
  await new Promise((resolve) => setTimeout(resolve, 150));
  view.handle({
    type: "merge_result",
    swarm_id: "swarm_x",
    subtask_id: "st-1",
    merged: true,
    branch: "b",
    files: ["a.txt"],
  });
  view.close();
  assert.match(out.text, /plan: 2 subtask\(s\) in 2 stage\(s\)/);
  assert.match(out.text, /\u001b\[2A\u001b\[0J/);
  assert.match(out.text, /st-1 +alpha +running +step +2 +1\.\ds +2\.4k tok +write_file/);
  const last = out.text.slice(out.text.lastIndexOf("\u001b[2A"));
  assert.match(last, /st-1 +alpha +completed +step +2 .* merged 1 file\(s\)/);
  assert.match(last, /st-2 +beta +queued/);
});

test("not on a TTY: plain lines, one per change, without escape codes", () => {
  const out = stream(false);
  const view = new SwarmProgressView(out as unknown as NodeJS.WriteStream);
  view.handle(started);
  view.handle(update("running", 1));
  view.handle(update("running", 1));
  view.handle(update("running", 1, "read_file"));
  view.handle({
    type: "merge_result",
    swarm_id: "swarm_x",
    subtask_id: "st-1",
    merged: false,
    branch: "b1",
    files: ["a.txt"],
  });
  view.close();
  assert.doesNotMatch(out.text, /\u001b/);
  assert.deepEqual(out.text.trim().split("\n"), [
    "plan: 2 subtask(s) in 2 stage(s)",
    "  st-1 alpha [coding] (changes files)",
    "  st-2 beta [review] after st-1",
    "st-1 running step 1",
    "st-1 running step 1 read_file",
    "st-1 merge conflict in a.txt; the work stays on branch b1",
  ]);
});
