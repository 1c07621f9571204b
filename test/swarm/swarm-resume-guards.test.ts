import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { runCli, useFakeModelSandbox, type CliResult } from "../support/cli.ts";
import { gitInit, planTurn, requestsOf, sh, subagentTurns, synthesisTurn } from "./swarm-support.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });
const slow = { items: [{ text: "never sent" }], delayMs: 60_000 };
const swarmIdIn = (stderr: string) => /swarm (swarm_\w+)/.exec(stderr)![1]!;

/** Runs a one-subtask swarm in `cwd` whose sub-agent never answers; `whileRunning` gets its id, then it is killed. */
async function whileSwarmRuns(cwd: string, whileRunning: (swarmId: string) => Promise<void>): Promise<CliResult> {
  t.fake.push(...subagentTurns("st-1", slow));
  let stderr = "";
  return runCli(t.sandbox, ["swarm", "-s", "none", ...model, "slow task"], {
    cwd,
    timeoutMs: 60_000,
    onSpawn: (child) => {
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      void (async () => {
        while (requestsOf(t.fake.requests, "st-1").length === 0 || !/swarm swarm_/.test(stderr)) await sleep(20);
        await whileRunning(swarmIdIn(stderr)).finally(() => child.kill("SIGKILL"));
      })();
    },
  });
}

test("--resume is refused while the swarm runs elsewhere, once it completed, and when its workspace is gone", async () => {
  let running: CliResult | undefined;
  await whileSwarmRuns(t.sandbox.workspace, async (swarmId) => {
    running = await runCli(t.sandbox, ["swarm", "--resume", swarmId]);
  });
  assert.equal(running!.code, 1, running!.stderr);
  assert.match(running!.stderr, /^codetether: swarm swarm_\w+ is running in another process\n$/);

  t.fake.push(...subagentTurns("st-1", "done"), synthesisTurn("all done"));
  const done = await runCli(t.sandbox, ["swarm", "-s", "none", ...model, "quick task"]);
  assert.equal(done.code, 0, done.stderr);
  const requests = t.fake.requests.length;
  const again = await runCli(t.sandbox, ["swarm", "--resume", swarmIdIn(done.stderr)]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^codetether: swarm swarm_\w+ completed: there is nothing to resume\n$/);
  assert.equal(t.fake.requests.length, requests, "no synthesis again");
  const listed = JSON.parse((await runCli(t.sandbox, ["swarm", "list", "--json"])).stdout);
  assert.equal(listed.find((s: { id: string }) => s.id === swarmIdIn(done.stderr)).status, "completed");

  const moved = join(t.sandbox.root, "moved");
  mkdirSync(moved);
  let killedId = "";
  await whileSwarmRuns(moved, async (swarmId) => {
    killedId = swarmId;
  });
  rmSync(moved, { recursive: true });
  const gone = await runCli(t.sandbox, ["swarm", "--resume", killedId]);
  assert.equal(gone.code, 1);
  assert.equal(
    gone.stderr,
    `codetether: swarm ${killedId} worked in ${moved}, which no longer exists: it cannot be resumed\n`,
  );
});

test("changes staged in the repository stop a swarm before any sub-agent runs; --resume completes it once they are committed", async () => {
  const ws = t.sandbox.workspace;
  gitInit(ws);
  writeFileSync(join(ws, "README.md"), "project, edited\n");
  sh(ws, "add", "README.md");
  t.fake.push(planTurn([{ name: "alpha" }]));
  const stopped = await runCli(t.sandbox, ["swarm", ...model, "write a.txt"]);
  assert.equal(stopped.code, 1, stopped.stderr);
  const swarmId = swarmIdIn(stopped.stderr);
  assert.match(
    stopped.stderr,
    new RegExp(
      `codetether: changes are staged in ${ws} \\(README.md\\), and git merges nothing over them: commit or unstage them \\(git restore --staged \\.\\); then: codetether swarm --resume ${swarmId}\\n$`,
    ),
  );
  assert.equal(requestsOf(t.fake.requests, "st-1").length, 0, "no sub-agent ran");
  const listed = JSON.parse((await runCli(t.sandbox, ["swarm", "list", "--json"])).stdout);
  assert.equal(listed.find((s: { id: string }) => s.id === swarmId).status, "stopped");

  sh(ws, "commit", "-qm", "edit README");
  t.fake.push(
    ...subagentTurns("st-1", [{ tool: "write_file", input: { path: "a.txt", content: "A\n" } }], "wrote a.txt"),
    synthesisTurn("a.txt written"),
  );
  const resumed = await runCli(t.sandbox, ["swarm", "--resume", swarmId]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(readFileSync(join(ws, "a.txt"), "utf8"), "A\n");
  assert.equal(sh(ws, "status", "--porcelain"), "");
});
