import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";
import { gitInit, planTurn, requestsOf, subagentTurns, synthesisTurn } from "./swarm-support.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });
const toolNames = (body: { tools?: Array<{ function: { name: string } }> }) =>
  (body.tools ?? []).map((tool) => tool.function.name);

test("the swarm tool runs a whole swarm from inside a session; its sub-agents get neither swarm nor task", async () => {
  gitInit(t.sandbox.workspace);
  t.fake.push(
    {
      match: { lastUserContains: "split this" },
      items: [{ tool: "swarm", input: { task: "make x.txt", strategy: "none" } }],
    },
    ...subagentTurns("st-1", [{ tool: "write_file", input: { path: "x.txt", content: "x" } }], "x.txt written"),
    "The swarm wrote x.txt.",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "split this up"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "The swarm wrote x.txt.");
  assert.equal(readFileSync(join(t.sandbox.workspace, "x.txt"), "utf8"), "x");
  assert.ok(toolNames(t.fake.requests[0]!.body).includes("swarm"));
  // `run` has no bus: no swarm_share.
  assert.ok(!toolNames(t.fake.requests[0]!.body).includes("swarm_share"));
  const sub = requestsOf(t.fake.requests, "st-1")[0]!;
  assert.ok(!toolNames(sub.body).includes("swarm") && !toolNames(sub.body).includes("task"));
  const toolResult = JSON.stringify(t.fake.requests.at(-1)!.body.messages.at(-1));
  assert.match(toolResult, /x\.txt written/);
  assert.match(toolResult, /swarm swarm_\w+: succeeded/);
});

test("swarm_share: a sub-agent publishes a result on the bus and a later one reads it", async () => {
  t.fake.push(
    planTurn([
      { name: "producer", needs_worktree: false },
      { name: "consumer", needs_worktree: false, dependencies: ["producer"] },
    ]),
    ...subagentTurns(
      "st-1",
      [{ tool: "swarm_share", input: { action: "publish", key: "api.schema", value: '{"v":2}', tags: ["api"] } }],
      "published the schema",
    ),
    ...subagentTurns(
      "st-2",
      [
        { tool: "swarm_share", input: { action: "list", tags: ["api"] } },
        { tool: "swarm_share", input: { action: "get", key: "api.schema" } },
      ],
      "read the schema",
    ),
    synthesisTurn("shared"),
  );
  const r = await runCli(t.sandbox, ["swarm", "--json", ...model, "share a schema"]);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.stringify(requestsOf(t.fake.requests, "st-2")[1]!.body.messages.slice(-2));
  assert.match(results, /api\.schema \[api\]/);
  assert.match(results, /\{\\"v\\":2\}\\n\[from session ses_\w+\]/);
});

test("a swarm started by a read-only agent (plan) gets read-only sub-agents: they cannot edit or run commands", async () => {
  gitInit(t.sandbox.workspace);
  t.fake.push(
    {
      match: { lastUserContains: "plan a swarm" },
      items: [{ tool: "swarm", input: { task: "edit", strategy: "none" } }],
    },
    ...subagentTurns(
      "st-1",
      [
        { tool: "write_file", input: { path: "x.txt", content: "x" } },
        { tool: "bash", input: { command: "touch y.txt" } },
      ],
      "I could not change anything",
    ),
    "The swarm could not edit.",
  );
  const r = await runCli(t.sandbox, ["run", "--agent", "plan", "--auto-approve", "all", ...model, "plan a swarm"]);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.stringify(requestsOf(t.fake.requests, "st-1")[1]!.body.messages.slice(-2));
  assert.match(results, /permission denied: write_file/);
  assert.match(results, /permission denied: bash/);
  assert.ok(!existsSync(join(t.sandbox.workspace, "x.txt")) && !existsSync(join(t.sandbox.workspace, "y.txt")));
});
