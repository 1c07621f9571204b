// One sub-agent's run in-process: a stop during the pause between provider retries ends it at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import type { ResolvedModel } from "../../src/provider/resolve.ts";
import type { SessionStore } from "../../src/session/store.ts";
import { runSubtask, type SwarmHost } from "../../src/swarm/run-subtask.ts";

test("a stop while a failed sub-agent waits to retry ends the wait", async () => {
  let runs = 0;
  const host = {
    async *run(): AsyncGenerator<AgentEvent, void> {
      runs++;
      yield { type: "error", message: "provider error HTTP 503: overloaded" } as AgentEvent;
    },
    store: { create: () => ({ id: "child" }) } as unknown as SessionStore,
    session: { id: "parent", agent: "build" },
    model: { ref: "fake/model" } as ResolvedModel,
    tools: [],
    system: "",
    authorize: async () => {},
    workspace: "/tmp",
  } as unknown as SwarmHost;
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  const result = await runSubtask(host, {
    subtask: { id: "s1", name: "one", specialty: "x", needs_worktree: false } as never,
    input: "do it",
    workspace: "/tmp",
    authorize: async () => {},
    model: host.model,
    maxSteps: 5,
    timeoutMs: 60_000,
    signal: controller.signal,
  });
  const took = Date.now() - started;
  assert.equal(result.success, false);
  assert.ok(took < 1000, `the stopped sub-agent took ${took} ms to end (the retry pause is 2 s)`);
  assert.equal(runs, 1, "no attempt after the stop");
});
