import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { git, moduleWithTest, nodeProject, readJson, storyTurns, writePrd } from "./fixture.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

const ADD = moduleWithTest("add", "exports.add = (a, b) => a + b;\n", "assert.equal(m.add(2, 3), 5);");
const SUM = moduleWithTest(
  "sum",
  'const { add } = require("./add.js");\nexports.sum = (xs) => xs.reduce(add, 0);\n',
  "assert.equal(m.sum([1, 2, 3]), 6);",
);

const status = async () => JSON.parse((await runCli(t.sandbox, ["ralph", "status", "--json"])).stdout);

test("three stories with a dependency: each passes its gates and verification, three commits, three progress sections", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  // US-003 has the best priority but waits on US-002, which waits on US-001.
  writePrd(ws, [
    { id: "US-001", title: "add", priority: 2, verification_steps: [{ type: "file_exists", path: "src/add.js" }] },
    {
      id: "US-002",
      title: "sum",
      priority: 2,
      dependencies: ["US-001"],
      verification_steps: [
        {
          type: "shell",
          command: "node -e \"console.log(require('./src/sum.js').sum([4,5]))\"",
          expect_output_contains: ["9"],
        },
      ],
    } as never,
    {
      id: "US-003",
      title: "docs",
      priority: 1,
      depends_on: ["US-002"],
      verification_steps: [{ type: "file_exists", glob: "docs/*.md" }],
    },
  ]);
  t.fake.push(
    ...storyTurns("US-001", ADD, "Added add.\nLEARNING: modules live in src/ and use CommonJS"),
    ...storyTurns("US-002", SUM),
    ...storyTurns("US-003", { "docs/math.md": "# Math\nadd and sum\n" }),
  );
  const r = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\[1\] US-001 add/);
  assert.match(r.stdout, /✓ test npm run test/);
  assert.match(r.stdout, /learning: modules live in src\//);
  assert.match(r.stdout, /ralph: completed: 3\/3 stories pass after 3 iterations/);

  assert.equal(git(ws, "branch", "--show-current"), "ralph/math-helpers");
  const log = git(ws, "log", "--format=%s").split("\n");
  assert.deepEqual(log, ["ralph: US-003 docs", "ralph: US-002 sum", "ralph: US-001 add", "initial"]);
  assert.equal(git(ws, "status", "--porcelain"), "", "every change is committed");
  const prd = readJson(join(ws, "prd.json"));
  assert.deepEqual(
    prd.user_stories.map((s: { passes: boolean }) => s.passes),
    [true, true, true],
  );
  assert.deepEqual(prd.user_stories[1].depends_on, ["US-001"], "the alias is saved as depends_on");
  const progress = readFileSync(join(ws, "progress.txt"), "utf8");
  assert.equal(progress.match(/^## Iteration/gm)?.length, 3);
  assert.match(progress, /Learning: modules live in src\//);

  // Each story had a fresh agent: its first request carries its own story and the progress so far, no earlier chat.
  const firsts = t.fake.requests.filter(
    (q) => q.body.messages.filter((m: { role: string }) => m.role === "assistant").length === 0,
  );
  assert.equal(firsts.length, 3);
  assert.match(firsts[1]!.prompt.users[0]!, /Your story: US-002 sum/);
  assert.match(firsts[1]!.prompt.users[0]!, /## Iteration 1: US-001 add/);
  assert.match(firsts[2]!.prompt.users[0]!, /Learning: modules live in src\//);

  const s = await status();
  assert.equal(s.status, "completed");
  assert.equal(s.passed, 3);
  // One session per story, named after it.
  const sessions = JSON.parse((await runCli(t.sandbox, ["sessions", "list", "--json"])).stdout);
  assert.deepEqual(sessions.map((x: { title: string }) => x.title).sort(), [
    "Ralph story US-001: add",
    "Ralph story US-002: sum",
    "Ralph story US-003: docs",
  ]);
  const text = await runCli(t.sandbox, ["ralph", "status"]);
  assert.match(text.stdout, /status: completed/);
  assert.match(text.stdout, /last: iteration 3, US-003 passed/);
  assert.match(text.stdout, /✓ US-003 docs/);
});

test("a gate that fails is retried with its output in the prompt, and passes the second time", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [{ id: "US-001", title: "add" }]);
  const broken = moduleWithTest(
    "add",
    "exports.add = (a, b) => a - b; // BUG-MARKER\n",
    "assert.equal(m.add(2, 3), 5, 'add-is-wrong');",
  );
  t.fake.push(...storyTurns("US-001", broken), ...storyTurns("US-001", ADD));
  const r = await runCli(t.sandbox, ["ralph", "run", "--json", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const events = jsonLines(r.stdout);
  const gates = events.filter((e) => e.type === "gate_result").map((e) => e.result.passed);
  assert.deepEqual(gates, [false, true]);
  const failed = events.find((e) => e.type === "story_failed")!;
  assert.equal(failed.reason, "test failed");
  assert.equal(failed.gave_up, false);
  assert.deepEqual(events.at(-1), {
    type: "finished",
    prd_id: events[0]!.prd_id,
    status: "completed",
    iterations: 2,
    passed: 1,
    total: 1,
  });
  const retry = t.fake.requests.filter((q) => /previous attempt at this story failed/.test(q.prompt.users[0] ?? ""));
  assert.ok(retry.length > 0, "the retry prompt says the previous attempt failed");
  assert.match(retry[0]!.prompt.users[0]!, /npm run test: exit code 1/);
  assert.match(retry[0]!.prompt.users[0]!, /add-is-wrong/);
  assert.equal(git(ws, "log", "-1", "--format=%s"), "ralph: US-001 add");
});

test("a failing verification step fails the story; with no retries left the run ends quality_failed", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [
    { id: "US-001", title: "add", verification_steps: [{ type: "file_exists", path: "src/missing.js" }] },
    { id: "US-002", title: "sum", depends_on: ["US-001"] },
  ]);
  t.fake.push(...storyTurns("US-001", ADD));
  const r = await runCli(t.sandbox, ["ralph", "run", "--max-quality-retries", "0", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /✗ verify 1 \(file_exists\): src\/missing.js does not exist/);
  assert.match(r.stdout, /ralph: quality_failed: 0\/2/);
  const s = await status();
  assert.equal(s.status, "quality_failed");
  assert.equal(s.stories[0].attempts, 1);
  assert.equal(s.stories[0].last_result, "failed");
  assert.equal(s.stories[1].attempts, 0, "a story waiting on a failed one never starts");
  assert.equal(git(ws, "log", "--format=%s"), "initial", "nothing is committed");
  assert.match(readFileSync(join(ws, "progress.txt"), "utf8"), /Result: failed \(verify 1 \(file_exists\) failed\)/);
});

test("--max-iterations reached: status max_iterations, exit 1, and the next run continues", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [
    { id: "US-001", title: "add" },
    { id: "US-002", title: "sum", depends_on: ["US-001"] },
  ]);
  t.fake.push(...storyTurns("US-001", ADD));
  const r = await runCli(t.sandbox, ["ralph", "run", "--max-iterations", "1", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /ralph: max_iterations: 1\/2/);
  assert.equal((await status()).status, "max_iterations");

  t.fake.push(...storyTurns("US-002", SUM));
  const again = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 90_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.doesNotMatch(again.stdout, /US-001/, "the passed story is not redone");
  assert.equal((await status()).status, "completed");
});

test("SIGTERM mid-story stops the agent and records stopped; ralph run then continues from the PRD", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [{ id: "US-001", title: "add" }]);
  t.fake.push({ hang: true, items: [{ text: "working on it" }] });
  const r = await runCli(t.sandbox, ["ralph", "run", ...model], {
    timeoutMs: 60_000,
    onSpawn: (child) => {
      void (async () => {
        while (t.fake.requests.length === 0) await sleep(50);
        child.kill("SIGTERM");
      })();
    },
  });
  assert.equal(r.code, 130, r.stdout + r.stderr);
  const s = await status();
  assert.equal(s.status, "stopped");
  assert.notEqual(readJson(join(ws, "prd.json")).user_stories[0].passes, true);
  assert.match(readFileSync(join(ws, "progress.txt"), "utf8"), /Result: stopped/);
  assert.ok(!existsSync(join(ws, "src", "add.js")));

  t.fake.push(...storyTurns("US-001", ADD));
  const again = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 90_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal((await status()).status, "completed");
  assert.equal(git(ws, "log", "-1", "--format=%s"), "ralph: US-001 add");
});

test("a bad PRD is one line naming the problem; a missing one says how to create it", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  const missing = await runCli(t.sandbox, ["ralph", "run", ...model]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^codetether: no PRD at .*prd\.json \(create one with: codetether ralph create-prd/);
  writePrd(ws, [
    { id: "US-001", title: "add", depends_on: ["US-009"] },
    { id: "US-001", title: "" },
  ]);
  const bad = await runCli(t.sandbox, ["ralph", "status"]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  assert.match(bad.stderr, /user_stories\[1\]\.title/);
  assert.match(bad.stderr, /duplicate id US-001/);
  assert.match(bad.stderr, /unknown story US-009/);
});

test("outside a git repository, with an unknown model, or after a run that died: one line, and status says what happened", async () => {
  const ws = t.sandbox.workspace;
  writePrd(ws, [{ id: "US-001", title: "add" }]);
  const noGit = await runCli(t.sandbox, ["ralph", "run", ...model]);
  assert.equal(noGit.code, 1);
  assert.match(
    noGit.stderr,
    /^codetether: .* is not in a git repository: Ralph keeps its memory in git \(run git init first\)\n$/,
  );

  nodeProject(t.sandbox);
  const badModel = await runCli(t.sandbox, ["ralph", "run", "-m", "nowhere/model"]);
  assert.equal(badModel.code, 1, badModel.stderr);
  assert.equal(badModel.stderr.trim().split("\n").length, 1, badModel.stderr);
  const s = await status();
  assert.equal(s.status, "stopped");
  assert.match(s.error, /nowhere/);
  assert.match(
    (await runCli(t.sandbox, ["ralph", "status"])).stdout,
    /status: stopped.*\nerror: unknown provider 'nowhere'/,
  );

  // A run killed with -9 leaves "running" behind with a pid that is gone.
  const file = join(t.sandbox.dataDir, "ralph", `${s.prd_id}.json`);
  const saved = readJson(file);
  writeFileSync(file, JSON.stringify({ ...saved, status: "running", pid: 2 ** 22 + 1, error: undefined }));
  const died = await runCli(t.sandbox, ["ralph", "status"]);
  assert.match(died.stdout, /status: stopped \(the run ended without recording it\)/);
});

test("a second ralph run on a PRD that a live process is running is refused", async () => {
  nodeProject(t.sandbox);
  writePrd(t.sandbox.workspace, [{ id: "US-001", title: "add" }]);
  t.fake.push({ hang: true, items: [{ text: "working" }] });
  let first: import("node:child_process").ChildProcess | undefined;
  const running = runCli(t.sandbox, ["ralph", "run", ...model], {
    timeoutMs: 60_000,
    onSpawn: (child) => (first = child),
  });
  while (t.fake.requests.length === 0) await sleep(50);
  const second = await runCli(t.sandbox, ["ralph", "run", ...model]);
  assert.equal(second.code, 1);
  assert.match(
    second.stderr,
    /^codetether: Ralph is already running on .*prd\.json \(pid \d+\); see: codetether ralph status\n$/,
  );
  assert.equal((await status()).status, "running");
  first!.kill("SIGINT");
  assert.equal((await running).code, 130);
  assert.equal((await status()).status, "stopped");
});

test("two ralph runs started at the same moment: exactly one runs, the other is refused", async () => {
  nodeProject(t.sandbox);
  writePrd(t.sandbox.workspace, [{ id: "US-001", title: "add" }]);
  t.fake.push({ hang: true, items: [{ text: "working" }] });
  const children: Array<import("node:child_process").ChildProcess> = [];
  const runs = [0, 1].map(() =>
    runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 60_000, onSpawn: (child) => children.push(child) }),
  );
  const refused = await Promise.race(runs);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^codetether: Ralph is already running on .*prd\.json/);
  while (t.fake.requests.length === 0) await sleep(50);
  for (const child of children) child.kill("SIGINT");
  const codes = (await Promise.all(runs)).map((r) => r.code).sort();
  assert.deepEqual(codes, [1, 130]);
  assert.equal(t.fake.requests.length, 1, "one loop asked the model");
});

test("--no-commit leaves the passed story's work, the PRD and progress.txt uncommitted on the PRD's branch", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [{ id: "US-001", title: "add" }]);
  t.fake.push(...storyTurns("US-001", ADD));
  const r = await runCli(t.sandbox, ["ralph", "run", "--no-commit", "--json", ...model], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const passed = jsonLines(r.stdout).find((e) => e.type === "story_passed")!;
  assert.equal(passed.commit, undefined);
  assert.equal(git(ws, "log", "--format=%s"), "initial");
  assert.equal(git(ws, "branch", "--show-current"), "ralph/math-helpers");
  const changed = git(ws, "status", "--porcelain", "--untracked-files=all")
    .split("\n")
    .map((l) => l.slice(3))
    .sort();
  assert.deepEqual(changed, ["prd.json", "progress.txt", "src/add.js", "test/add.test.js"]);
  assert.equal(readJson(join(ws, "prd.json")).user_stories[0].passes, true);
});
