import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { git, moduleWithTest, nodeProject, readJson, storyTurns, writePrd } from "./fixture.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

test("--parallel runs a stage's stories at once in worktrees and merges them in story order", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [
    { id: "US-001", title: "add" },
    { id: "US-002", title: "mul" },
    { id: "US-003", title: "docs", depends_on: ["US-001", "US-002"] },
  ]);
  // US-002 answers first: the merge order is still the PRD's.
  const [write1, done1] = storyTurns(
    "US-001",
    moduleWithTest("add", "exports.add = (a, b) => a + b;\n", "assert.equal(m.add(1, 2), 3);"),
  );
  t.fake.push(
    { ...(write1 as object), delayMs: 400 },
    done1!,
    ...storyTurns("US-002", moduleWithTest("mul", "exports.mul = (a, b) => a * b;\n", "assert.equal(m.mul(2, 3), 6);")),
    ...storyTurns("US-003", { "docs/math.md": "# add and mul\n" }),
  );
  const r = await runCli(t.sandbox, ["ralph", "run", "--parallel", "2", "--json", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const events = jsonLines(r.stdout);
  const started = events.filter((e) => e.type === "iteration_started").map((e) => e.story_id);
  assert.deepEqual(started, ["US-001", "US-002", "US-003"]);
  // Both stage-one agents were at work before either finished.
  const firstDone = t.fake.requests.findIndex((q) => q.body.messages.some((m: { role: string }) => m.role === "tool"));
  const firstsBefore = t.fake.requests.slice(0, firstDone + 1).filter((q) => q.body.messages.length === 2);
  assert.equal(firstsBefore.length, 2, "the two stories of stage one ran concurrently");
  assert.deepEqual(
    events.filter((e) => e.type === "story_passed").map((e) => e.story_id),
    ["US-001", "US-002", "US-003"],
  );
  const subjects = git(ws, "log", "--format=%s", "--first-parent").split("\n");
  assert.equal(subjects.at(-1), "initial");
  assert.ok(subjects.indexOf("ralph: US-001 passed") > subjects.indexOf("ralph: US-002 passed"), subjects.join("\n"));
  assert.ok(
    existsSync(join(ws, "src", "add.js")) &&
      existsSync(join(ws, "src", "mul.js")) &&
      existsSync(join(ws, "docs", "math.md")),
  );
  assert.equal(readFileSync(join(ws, "progress.txt"), "utf8").match(/^## Iteration/gm)?.length, 3);
  assert.deepEqual(
    readJson(join(ws, "prd.json")).user_stories.map((s: { passes: boolean }) => s.passes),
    [true, true, true],
  );
  assert.equal(git(ws, "worktree", "list").split("\n").length, 1, "the worktrees are removed");
  assert.equal(git(ws, "branch", "--list", "codetether/*"), "", "merged branches are deleted");
  assert.equal(git(ws, "status", "--porcelain"), "");
});

test("--parallel: a merge conflict fails that story, reported with its files, and its branch is kept", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [
    { id: "US-001", title: "one" },
    { id: "US-002", title: "two" },
  ]);
  t.fake.push(...storyTurns("US-001", { "NOTES.md": "one\n" }), ...storyTurns("US-002", { "NOTES.md": "two\n" }));
  const r = await runCli(t.sandbox, ["ralph", "run", "--parallel", "2", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /failed: merge conflict in NOTES.md \(work kept on branch codetether\/ralph-\w+\/US-002\)/);
  assert.match(r.stdout, /ralph: quality_failed: 1\/2/);
  assert.equal(readFileSync(join(ws, "NOTES.md"), "utf8"), "one\n");
  assert.match(git(ws, "branch", "--list", "codetether/*"), /US-002/);
  assert.equal(
    git(ws, "show", `${git(ws, "branch", "--list", "--format=%(refname:short)", "codetether/*")}:NOTES.md`),
    "two",
  );
  const status = JSON.parse((await runCli(t.sandbox, ["ralph", "status", "--json"])).stdout);
  assert.equal(status.status, "quality_failed");
  assert.match(status.stories[1].last_failure, /merge conflict in NOTES.md/);
});

test("--parallel with --no-commit is refused in one line", async () => {
  nodeProject(t.sandbox);
  writePrd(t.sandbox.workspace, [{ id: "US-001", title: "one" }]);
  const r = await runCli(t.sandbox, ["ralph", "run", "--parallel", "2", "--no-commit", ...model]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    "codetether: --parallel merges each story's commits from its worktree: it cannot run with --no-commit\n",
  );
});
