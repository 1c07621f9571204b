import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonLines, runCli } from "../support/cli.ts";
import { TOKEN, useServe } from "../a2a/serve-process.ts";
import { subagentTurns } from "./swarm-support.ts";

const running = useServe();

test("an A2A task whose agent runs a swarm streams the sub-agents' progress as working updates", async () => {
  running.fake.push(
    {
      match: { lastUserContains: "swarm it" },
      items: [{ tool: "swarm", input: { task: "list files", strategy: "none" } }],
    },
    ...subagentTurns("st-1", [{ tool: "list_dir", input: {} }], "nothing here"),
    { match: { bodyContains: "swarm_" }, items: [{ text: "The swarm found nothing." }] },
  );
  const r = await runCli(
    running.serve.sandbox,
    ["a2a", "send", running.serve.endpoints.http, "swarm it please", "--stream", "--json"],
    { env: { CODETETHER_AUTH_TOKEN: TOKEN } },
  );
  assert.equal(r.code, 0, r.stderr);
  const events = jsonLines(r.stdout);
  const texts = events
    .filter((e) => e.statusUpdate?.status?.state === "TASK_STATE_WORKING")
    .flatMap((e) => e.statusUpdate.status.message?.parts ?? [])
    .map((p: { text?: string }) => p.text ?? "")
    .filter(Boolean);
  assert.ok(
    texts.some((t) => /^swarm swarm_\w+: plan: 1 subtask\(s\) in 1 stage\(s\)$/.test(t)),
    texts.join("\n"),
  );
  assert.ok(
    texts.some((t) => /^swarm swarm_\w+: st-1 running step 1 list_dir$/.test(t)),
    texts.join("\n"),
  );
  assert.ok(
    texts.some((t) => /^swarm swarm_\w+: st-1 done in/.test(t)),
    texts.join("\n"),
  );
  assert.equal(events.at(-1)!.statusUpdate.status.state, "TASK_STATE_COMPLETED");
});

test("while a task's swarm runs, its sub-agents are listed in /v1/agents with ephemeral bus://local cards", async () => {
  running.fake.push(
    {
      match: { lastUserContains: "swarm slowly" },
      items: [{ tool: "swarm", input: { task: "wait", strategy: "none" } }],
    },
    ...subagentTurns("st-1", { items: [{ text: "waited" }], delayMs: 1500 }),
    { match: { bodyContains: "swarm_" }, items: [{ text: "Done waiting." }] },
  );
  const agents = async () => {
    const response = await fetch(`${running.serve.endpoints.http}/v1/agents`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return ((await response.json()) as { agents: Array<{ name: string; url: string }> }).agents;
  };
  const sent = runCli(running.serve.sandbox, ["a2a", "send", running.serve.endpoints.http, "swarm slowly"], {
    env: { CODETETHER_AUTH_TOKEN: TOKEN },
  });
  let seen: { name: string; url: string } | undefined;
  for (let i = 0; i < 100 && !seen; i++) {
    seen = (await agents()).find((a) => /^swarm_\w+-st-1$/.test(a.name));
    if (!seen) await new Promise((resolve) => setTimeout(resolve, 30));
  }
  assert.ok(seen, "the sub-agent was never listed");
  assert.equal(seen.url, `bus://local/${seen.name}`);
  const r = await sent;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    (await agents()).find((a) => a.name === seen!.name),
    undefined,
  );
});
