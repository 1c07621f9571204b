import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";
import { gitInit, planTurn, requestsOf, sh, subagentTurns, synthesisTurn } from "./swarm-support.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

const write = (path: string, content: string) => [{ tool: "write_file", input: { path, content } }];

test("3 subtasks, 2 in stage 1 and 1 depending on both in stage 2: files merged, results passed on, synthesis answers", async () => {
  gitInit(t.sandbox.workspace);
  t.fake.push(
    planTurn([{ name: "alpha" }, { name: "beta" }, { name: "gamma", dependencies: ["alpha", "beta"] }]),
    ...subagentTurns("st-1", write("a.txt", "A\n"), "alpha wrote a.txt with the letter A"),
    ...subagentTurns("st-2", write("b.txt", "B\n"), "beta wrote b.txt with the letter B"),
    ...subagentTurns("st-3", write("c.txt", "AB\n"), "gamma combined them into c.txt"),
    synthesisTurn("All three files are in place."),
  );
  const r = await runCli(t.sandbox, ["swarm", "--json", ...model, "write a.txt and b.txt, then c.txt from both"]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.success, true);
  assert.equal(result.result, "All three files are in place.");
  assert.deepEqual(
    result.subtask_results.map((s: any) => [s.subtask_id, s.name, s.success, s.merged, s.tool_calls]),
    [
      ["st-1", "alpha", true, true, 1],
      ["st-2", "beta", true, true, 1],
      ["st-3", "gamma", true, true, 1],
    ],
  );
  assert.match(result.subtask_results[0].branch, /^codetether\/swarm_\w+\/st-1$/);
  assert.equal(result.stats.stages, 2);
  assert.equal(result.stats.critical_path_length, 2);
  assert.equal(result.stats.subagents_spawned, 3);
  assert.equal(result.stats.subagents_completed, 3);
  assert.equal(result.stats.total_tool_calls, 3);
  for (const key of ["execution_time_ms", "sequential_time_estimate_ms", "speedup_factor", "cost_usd"])
    assert.equal(typeof result.stats[key], "number", key);
  // The session the sub-agents' sessions hang under is named after the swarm.
  const sessions = JSON.parse((await runCli(t.sandbox, ["sessions", "list", "--json"])).stdout);
  assert.match(sessions[0].title, /^swarm swarm_\w+: write a\.txt and b\.txt/);
  // Merged into the checked-out branch; the worktrees and their branches are gone.
  const ws = t.sandbox.workspace;
  assert.equal(readFileSync(join(ws, "a.txt"), "utf8"), "A\n");
  assert.equal(readFileSync(join(ws, "b.txt"), "utf8"), "B\n");
  assert.equal(readFileSync(join(ws, "c.txt"), "utf8"), "AB\n");
  assert.equal(sh(ws, "status", "--porcelain"), "");
  assert.equal(sh(ws, "branch", "--list", "codetether/*"), "");
  // Stage 2 ran after stage 1 and was given its results; stage 1 was not given anything of stage 2.
  const gamma = requestsOf(t.fake.requests, "st-3")[0]!;
  assert.match(gamma.prompt.users[0]!, /alpha wrote a\.txt with the letter A/);
  assert.match(gamma.prompt.users[0]!, /beta wrote b\.txt with the letter B/);
  assert.doesNotMatch(requestsOf(t.fake.requests, "st-1")[0]!.prompt.users[0]!, /beta wrote/);
  // The synthesis read every report.
  const synthesis = t.fake.requests.find((q) => q.prompt.users.at(-1)?.includes("# Subtask reports"))!;
  assert.match(synthesis.prompt.users.at(-1)!, /gamma combined them/);
  // Progress went to stderr as plain lines (not a TTY), with the id to resume.
  assert.match(r.stderr, /swarm swarm_\w+/);
  assert.match(r.stderr, /st-3 merged codetether\/swarm_\w+\/st-3/);

  const list = await runCli(t.sandbox, ["swarm", "list", "--json"]);
  const [listed] = JSON.parse(list.stdout);
  assert.equal(listed.status, "completed");
  assert.equal(listed.completed, 3);
});

test("an invalid plan gets one repair prompt, and a still invalid one falls back to the whole task as one subtask", async () => {
  gitInit(t.sandbox.workspace);
  t.fake.push(
    planTurn([{ name: "one", dependencies: ["two"] }, { name: "two" }]),
    planTurn("I would rather not use JSON."),
    ...subagentTurns("st-1", write("done.txt", "ok\n"), "did the whole task"),
  );
  const r = await runCli(t.sandbox, ["swarm", "--json", ...model, "do everything"]);
  assert.equal(r.code, 0, r.stderr);
  const planning = t.fake.requests.filter((q) => q.prompt.system.includes("You split a software task"));
  assert.equal(planning.length, 2);
  assert.match(planning[1]!.prompt.users.at(-1)!, /'one' depends on 'two', which is not an earlier subtask/);
  const result = JSON.parse(r.stdout);
  assert.deepEqual(
    result.subtask_results.map((s: any) => [s.subtask_id, s.name]),
    [["st-1", "whole task"]],
  );
  // One subtask: its report is the answer (no synthesis turn).
  assert.equal(result.result, "did the whole task");
  assert.match(requestsOf(t.fake.requests, "st-1")[0]!.prompt.users[0]!, /do everything/);
  assert.equal(readFileSync(join(t.sandbox.workspace, "done.txt"), "utf8"), "ok\n");
  assert.match(r.stderr, /no usable plan/);
});

test("--strategy none makes no planning call", async () => {
  t.fake.push(...subagentTurns("st-1", "answered directly"));
  const r = await runCli(t.sandbox, ["swarm", "-s", "none", ...model, "say hi"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "answered directly");
  assert.equal(t.fake.requests.length, 1);
});

test("a conflicting merge is reported with its subtask and files, its work kept on its branch, exit 1", async () => {
  gitInit(t.sandbox.workspace, { "shared.txt": "base\n" });
  t.fake.push(
    planTurn([{ name: "left" }, { name: "right" }]),
    ...subagentTurns("st-1", write("shared.txt", "left\n"), "left edited shared.txt"),
    ...subagentTurns("st-2", write("shared.txt", "right\n"), "right edited shared.txt"),
    synthesisTurn("One edit could not be merged."),
  );
  const r = await runCli(t.sandbox, ["swarm", ...model, "edit shared.txt twice"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /st-2 \(right\) did not merge: conflict in shared\.txt; its work is on branch (codetether\/swarm_\w+\/st-2)/,
  );
  const branch = /its work is on branch (\S+)/.exec(r.stderr)![1]!;
  const ws = t.sandbox.workspace;
  assert.equal(readFileSync(join(ws, "shared.txt"), "utf8"), "left\n");
  assert.equal(sh(ws, "show", `${branch}:shared.txt`), "right\n");
  assert.equal(sh(ws, "status", "--porcelain"), "");
  assert.equal(r.stdout.trim(), "One edit could not be merged.");
  assert.match(r.stderr, /did not fully succeed: 1\/2 subtasks/, "the unmerged subtask is not counted completed");
});

test("outside a git repository file-changing subtasks run one at a time in the workspace", async () => {
  t.fake.push(
    planTurn([{ name: "first" }, { name: "second" }]),
    ...subagentTurns("st-1", { items: write("one.txt", "1"), delayMs: 300 }, "wrote one"),
    ...subagentTurns("st-2", write("two.txt", "2"), "wrote two"),
    synthesisTurn("both written"),
  );
  const r = await runCli(t.sandbox, ["swarm", "--json", ...model, "write two files"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(t.sandbox.workspace, "one.txt")) && existsSync(join(t.sandbox.workspace, "two.txt")));
  // st-2's first request came only after st-1 had finished (its last request).
  const order = t.fake.requests.map((q) =>
    q.prompt.system.includes("sub-agent st-1 of") ? 1 : q.prompt.system.includes("sub-agent st-2 of") ? 2 : 0,
  );
  assert.deepEqual(order.filter(Boolean), [1, 1, 2, 2]);
  const result = JSON.parse(r.stdout);
  assert.equal(result.subtask_results[0].branch, undefined);
});

test("a sub-agent cannot do what the parent's permission rules deny, in its worktree too", async () => {
  gitInit(t.sandbox.workspace);
  writeFileSync(
    t.sandbox.configPath,
    `${readFileSync(t.sandbox.configPath, "utf8")}\n[permission]\nedit = { "protected/*" = "deny" }\nbash = "deny"\n`,
  );
  t.fake.push(
    ...subagentTurns(
      "st-1",
      [
        { tool: "write_file", input: { path: "protected/secret.txt", content: "x" } },
        { tool: "bash", input: { command: "echo hi > protected/other.txt" } },
      ],
      "I was not allowed",
    ),
  );
  const r = await runCli(t.sandbox, [
    "swarm",
    "-s",
    "none",
    "--auto-approve",
    "all",
    "--json",
    ...model,
    "write protected",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const toolResults = JSON.stringify(requestsOf(t.fake.requests, "st-1")[1]!.body.messages.slice(-2));
  assert.match(toolResults, /permission denied: write_file/);
  assert.match(toolResults, /permission denied: bash/);
  assert.ok(!existsSync(join(t.sandbox.workspace, "protected")));
});

test("bad input is a one-line error and a non-zero exit", async () => {
  const unknown = await runCli(t.sandbox, ["swarm", "--resume", "swarm_nope"]);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim(), "codetether: swarm not found: swarm_nope (see: codetether swarm list)");
  const strategy = await runCli(t.sandbox, ["swarm", "-s", "sideways", "x"]);
  assert.notEqual(strategy.code, 0);
  assert.match(strategy.stderr, /sideways/);
  const none = await runCli(t.sandbox, ["swarm"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no task given/);
});

test("a sub-agent past --timeout fails with the reason, and the swarm exits 1", async () => {
  t.fake.push(...subagentTurns("st-1", { items: [{ text: "too late" }], delayMs: 5000 }));
  const r = await runCli(t.sandbox, ["swarm", "-s", "none", "--timeout", "0.5", "--json", ...model, "slow"]);
  assert.equal(r.code, 1, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.success, false);
  assert.match(result.subtask_results[0].result, /timed out after 0.5s/);
  assert.equal(result.stats.subagents_failed, 1);
  const list = JSON.parse((await runCli(t.sandbox, ["swarm", "list", "--json"])).stdout);
  assert.equal(list[0].status, "failed");
});

test("a sub-agent in a worktree is told its worktree as workspace and cannot edit the main workspace around it", async () => {
  gitInit(t.sandbox.workspace);
  const outside = join(t.sandbox.workspace, "direct.txt");
  t.fake.push(
    ...subagentTurns("st-1", [{ tool: "write_file", input: { path: outside, content: "x" } }], "refused as expected"),
  );
  const r = await runCli(t.sandbox, ["swarm", "-s", "none", "--json", ...model, "write directly"]);
  assert.equal(r.code, 0, r.stderr);
  const [first, second] = requestsOf(t.fake.requests, "st-1");
  assert.match(first!.prompt.system, /Workspace: \S+\/\.git\/codetether\/worktrees\/swarm_\w+\/st-1\n/);
  assert.match(JSON.stringify(second!.body.messages.at(-1)), /works in its own git worktree: change direct\.txt there/);
  assert.ok(!existsSync(outside));
});

test("a 429 to one sub-agent holds the others' requests for the wait the provider asked, then all finish", async () => {
  const at: Record<string, number> = {};
  const stamp = (key: string, system: string) => (r: { prompt: { system: string } }) =>
    r.prompt.system.includes(system) && ((at[key] ??= Date.now()), true);
  t.fake.push(
    planTurn([
      { name: "limited", needs_worktree: false },
      { name: "other", needs_worktree: false },
    ]),
    {
      match: stamp("limited429", "sub-agent st-1 of"),
      error: { status: 429, headers: { "retry-after-ms": "1200" } },
    },
    ...subagentTurns("st-1", "limited done"),
    ...subagentTurns("st-2", { items: [{ tool: "list_dir", input: {} }], delayMs: 300 }),
    { match: stamp("otherSecond", "sub-agent st-2 of"), items: [{ text: "other done" }] },
    synthesisTurn("both done"),
  );
  const r = await runCli(t.sandbox, ["swarm", "--json", ...model, "two at once"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).success, true);
  // st-2's second request was ready ~300 ms in, but waited out the pause st-1's 429 asked for.
  assert.ok(at.otherSecond! - at.limited429! >= 1100, `held ${at.otherSecond! - at.limited429!} ms`);
});
