import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";
import { git, moduleWithTest, nodeProject, storyTurns, writePrd } from "./fixture.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

const ADD = moduleWithTest("add", "exports.add = (a, b) => a + b;\n", "assert.equal(m.add(2, 3), 5);");

test("ralph run again on a PRD it completed: exit 0 at once, no model call, no new commit", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [{ id: "US-001", title: "add" }]);
  t.fake.push(...storyTurns("US-001", ADD));
  const first = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 90_000 });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const requests = t.fake.requests.length;
  const head = git(ws, "rev-parse", "HEAD");

  const again = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 30_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /ralph: completed: 1\/1 stories pass/);
  assert.equal(t.fake.requests.length, requests, "nothing is asked of the model");
  assert.equal(git(ws, "rev-parse", "HEAD"), head);
  assert.equal(git(ws, "status", "--porcelain"), "");
  const status = JSON.parse((await runCli(t.sandbox, ["ralph", "status", "--json"])).stdout);
  assert.equal(status.status, "completed");
});

test("ralph run --parallel stopped by SIGTERM mid-stage: the next run redoes both stories in fresh worktrees", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [
    { id: "US-001", title: "add" },
    { id: "US-002", title: "mul" },
  ]);
  t.fake.push({ hang: true, items: [{ text: "working" }] }, { hang: true, items: [{ text: "working" }] });
  const stopped = await runCli(t.sandbox, ["ralph", "run", "--parallel", "2", ...model], {
    timeoutMs: 60_000,
    onSpawn: (child) => {
      void (async () => {
        while (t.fake.requests.length < 2) await sleep(50);
        child.kill("SIGTERM");
      })();
    },
  });
  assert.equal(stopped.code, 130, stopped.stdout + stopped.stderr);

  t.fake.push(
    ...storyTurns("US-001", ADD),
    ...storyTurns("US-002", moduleWithTest("mul", "exports.mul = (a, b) => a * b;\n", "assert.equal(m.mul(2, 3), 6);")),
  );
  const again = await runCli(t.sandbox, ["ralph", "run", "--parallel", "2", ...model], { timeoutMs: 90_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const status = JSON.parse((await runCli(t.sandbox, ["ralph", "status", "--json"])).stdout);
  assert.equal(status.status, "completed");
  assert.equal(git(ws, "worktree", "list").split("\n").length, 1, "the worktrees are removed");
  assert.equal(git(ws, "branch", "--list", "codetether/*"), "");
  const runs = join(ws, ".git", "codetether", "worktrees");
  assert.deepEqual(existsSync(runs) ? readdirSync(runs) : [], []);
  assert.equal(git(ws, "status", "--porcelain"), "");
});

test("ralph run commits only its own work: others' uncommitted changes are refused before anything runs, what a failed story left is taken up", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  writePrd(ws, [{ id: "US-001", title: "add", verification_steps: [{ type: "file_exists", path: "src/missing.js" }] }]);
  t.fake.push(...storyTurns("US-001", ADD));
  const failed = await runCli(t.sandbox, ["ralph", "run", "--max-quality-retries", "0", ...model], {
    timeoutMs: 90_000,
  });
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.ok(existsSync(join(ws, "src", "add.js")), "the failed story's work is left in the tree");

  writeFileSync(join(ws, ".gitignore"), "node_modules\ndist\n");
  writeFileSync(join(ws, "notes-private.txt"), "mine\n");
  const requests = t.fake.requests.length;
  const refused = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 30_000 });
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.equal(
    refused.stderr.trim(),
    "codetether: uncommitted changes Ralph would commit with its stories: .gitignore, notes-private.txt; commit or stash them (git stash -u) first, or run with --no-commit",
  );
  assert.equal(t.fake.requests.length, requests, "no story starts");
  assert.equal(git(ws, "log", "--format=%s"), "initial");

  git(ws, "checkout", "-q", ".gitignore");
  rmSync(join(ws, "notes-private.txt"));
  writePrd(ws, [{ id: "US-001", title: "add" }]);
  t.fake.push(...storyTurns("US-001", ADD));
  const again = await runCli(t.sandbox, ["ralph", "run", ...model], { timeoutMs: 90_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(git(ws, "log", "-1", "--format=%s"), "ralph: US-001 add");
  assert.equal(git(ws, "status", "--porcelain", "--untracked-files=all"), "");
});
