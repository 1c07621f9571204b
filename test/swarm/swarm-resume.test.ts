import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { gitInit, planTurn, requestsOf, sh, subagentTurns, synthesisTurn } from "./swarm-support.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });
const write = (path: string, content: string) => [{ tool: "write_file", input: { path, content } }];

/** Starts `swarm`, waits until `ready(stderr)` holds, then kills it with SIGKILL. */
function killWhen(args: string[], ready: (stderr: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: t.sandbox.workspace, env: t.sandbox.env });
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const poll = setInterval(() => ready(stderr) && child.kill("SIGKILL"), 20);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (signal !== "SIGKILL") reject(new Error(`swarm ended on its own:\n${stderr}`));
      else resolve(stderr);
    });
  });
}

test("kill -9 mid-swarm, then --resume: finished subtasks are not run again and everything merges", async () => {
  gitInit(t.sandbox.workspace);
  t.fake.push(
    planTurn([{ name: "alpha" }, { name: "beta" }, { name: "gamma", dependencies: ["alpha", "beta"] }]),
    ...subagentTurns("st-1", write("a.txt", "A\n"), "alpha wrote a.txt"),
    // beta is still thinking when the process dies.
    ...subagentTurns("st-2", { items: [{ text: "never sent" }], delayMs: 60_000 }),
  );
  // Killed once alpha is done and beta's request is out (else the resumed beta would get the held answer).
  const stderr = await killWhen(
    ["swarm", ...model, "three files"],
    (text) => /st-1 done/.test(text) && requestsOf(t.fake.requests, "st-2").length > 0,
  );
  const swarmId = /swarm (swarm_\w+)/.exec(stderr)![1]!;
  const alphaRequests = requestsOf(t.fake.requests, "st-1").length;
  assert.equal(alphaRequests, 2);

  const list = await runCli(t.sandbox, ["swarm", "list", "--json"]);
  const listed = JSON.parse(list.stdout).find((s: { id: string }) => s.id === swarmId);
  assert.equal(listed.status, "stopped", "stored as running, but no process holds it: it was killed");

  t.fake.push(
    ...subagentTurns("st-2", write("b.txt", "B\n"), "beta wrote b.txt"),
    ...subagentTurns("st-3", write("c.txt", "AB\n"), "gamma wrote c.txt"),
    synthesisTurn("done after a crash"),
  );
  const r = await runCli(t.sandbox, ["swarm", "--resume", swarmId, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`swarm ${swarmId} resumed`));
  const result = JSON.parse(r.stdout);
  assert.equal(result.success, true);
  assert.equal(result.result, "done after a crash");
  // alpha's agent did not run again: only its merge was left; beta and gamma ran now.
  assert.equal(requestsOf(t.fake.requests, "st-1").length, alphaRequests);
  assert.equal(result.stats.subagents_spawned, 2);
  assert.deepEqual(
    result.subtask_results.map((s: { success: boolean; merged: boolean }) => [s.success, s.merged]),
    [
      [true, true],
      [true, true],
      [true, true],
    ],
  );
  assert.match(requestsOf(t.fake.requests, "st-3")[0]!.prompt.users[0]!, /alpha wrote a\.txt/);
  for (const [file, text] of [
    ["a.txt", "A\n"],
    ["b.txt", "B\n"],
    ["c.txt", "AB\n"],
  ])
    assert.equal(readFileSync(join(t.sandbox.workspace, file!), "utf8"), text);
  assert.equal(sh(t.sandbox.workspace, "status", "--porcelain"), "");
  assert.equal(sh(t.sandbox.workspace, "worktree", "list").trim().split("\n").length, 1);
});

test("a swarm killed in stage 2 resumes at stage 2: merged subtasks stay merged, failed-at-crash ones run again", async () => {
  gitInit(t.sandbox.workspace);
  t.fake.push(
    planTurn([{ name: "alpha" }, { name: "beta", needs_worktree: false }, { name: "gamma", dependencies: ["alpha"] }]),
    ...subagentTurns("st-1", write("a.txt", "A\n"), "alpha wrote a.txt"),
    ...subagentTurns("st-2", "beta read the code"),
    ...subagentTurns("st-3", write("c.txt", "half"), { items: [{ text: "never sent" }], delayMs: 60_000 }),
  );
  // Killed once gamma's second model request is waiting, after its write.
  const stderr = await killWhen(
    ["swarm", ...model, "two stages"],
    () => requestsOf(t.fake.requests, "st-3").length === 2,
  );
  const swarmId = /swarm (swarm_\w+)/.exec(stderr)![1]!;
  const before = t.fake.requests.length;
  t.fake.push(...subagentTurns("st-3", "gamma finished c.txt"), synthesisTurn("resumed at stage 2"));
  const r = await runCli(t.sandbox, ["swarm", "--resume", swarmId, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const resumed = t.fake.requests.slice(before);
  assert.equal(requestsOf(resumed, "st-1").length + requestsOf(resumed, "st-2").length, 0);
  assert.equal(requestsOf(resumed, "st-3").length, 1);
  assert.doesNotMatch(r.stderr, /stage 1:/);
  // gamma's worktree from before the crash was reused: its first write is in the merge.
  assert.equal(readFileSync(join(t.sandbox.workspace, "c.txt"), "utf8"), "half");
  assert.equal(JSON.parse(r.stdout).stats.subagents_spawned, 1);
});

test("Ctrl+C stops a swarm with exit 130 and the command that resumes it", async () => {
  t.fake.push(...subagentTurns("st-1", { items: [{ text: "never sent" }], delayMs: 60_000 }));
  const r = await runCli(t.sandbox, ["swarm", "-s", "none", ...model, "slow task"], {
    onSpawn: (child) => {
      let stderr = "";
      const onData = (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!/st-1 running step 1/.test(stderr)) return;
        child.stderr!.off("data", onData);
        child.kill("SIGINT");
      };
      child.stderr!.on("data", onData);
    },
  });
  assert.equal(r.code, 130, r.stderr);
  const swarmId = /swarm (swarm_\w+)/.exec(r.stderr)![1]!;
  assert.match(r.stderr, new RegExp(`stopped; resume with: codetether swarm --resume ${swarmId}`));
  assert.equal(r.stdout, "");
  // Not left "running" once its process is gone.
  const statusOf = async () => JSON.parse((await runCli(t.sandbox, ["swarm", "list", "--json"])).stdout)[0].status;
  assert.equal(await statusOf(), "stopped");
  t.fake.push(...subagentTurns("st-1", "finished on resume"));
  const resumed = await runCli(t.sandbox, ["swarm", "--resume", swarmId]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout.trim(), "finished on resume");
  assert.equal(await statusOf(), "completed");
});

test("SIGTERM while the plan is asked for: exit 130, and the swarm is listed stopped, not planning", async () => {
  t.fake.push({ hang: true, items: [{ text: "never sent" }] });
  const r = await runCli(t.sandbox, ["swarm", ...model, "plan this"], {
    onSpawn: (child) => {
      const timer = setInterval(() => {
        if (t.fake.requests.length === 0) return;
        clearInterval(timer);
        child.kill("SIGTERM");
      }, 50);
    },
  });
  assert.equal(r.code, 130, r.stderr);
  const [listed] = JSON.parse((await runCli(t.sandbox, ["swarm", "list", "--json"])).stdout);
  assert.equal(listed.status, "stopped");
});
