import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { draftTurn, evalTurn, relayTurn, relayTurnOf, turnsRequested } from "./relay-script.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

test("kill -9 after turn 4 of 6: okr resume --run runs turns 5 and 6 only, and the checkpoint matches", async () => {
  t.fake.push(draftTurn("Six turns", [{ title: "Steps done", target_value: 6 }]));
  for (let turn = 1; turn <= 6; turn++) {
    // The first request of turn 5 never gets an answer: the process is killed while it waits.
    if (turn === 5) t.fake.push(relayTurn(5, { next_actions: ["never seen"] }, { delayMs: 60_000 }));
    t.fake.push(
      relayTurn(turn, { facts: [`step ${turn}`], next_actions: turn === 6 ? [] : ["next step"] }),
      evalTurn({ KR1: turn }),
    );
  }
  const first = await runCli(t.sandbox, ["run", ...model, "--approve", "--json", "/go --rounds 2 six steps"], {
    onSpawn: (child) => {
      const timer = setInterval(() => {
        if (t.fake.requests.some((r) => relayTurnOf(r) === 5)) {
          clearInterval(timer);
          child.kill("SIGKILL");
        }
      }, 20);
      child.on("close", () => clearInterval(timer));
    },
  });
  assert.equal(first.signal, "SIGKILL");
  const draft = jsonLines(first.stdout).find((line) => line.type === "okr.draft")!;
  const runId = draft.run.id;
  const before = JSON.parse((await runCli(t.sandbox, ["okr", "export", "--id", draft.okr.id])).stdout);
  const saved = before.relay_checkpoints[0];
  assert.deepEqual([saved.turn, saved.evaluated_turn, saved.status, saved.session_ids.length], [4, 4, "running", 4]);
  assert.equal(before.runs[0].status, "running");
  assert.equal(before.runs[0].kr_progress[draft.okr.key_results[0].id], 4 / 6);
  const sentBeforeKill = t.fake.requests.length;

  const resumed = await runCli(t.sandbox, ["okr", "resume", "--run", runId, "--json"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const started = jsonLines(resumed.stdout).filter((line) => line.type === "relay.turn_started");
  assert.deepEqual(
    started.map((line) => [line.turn, line.round, line.agent]),
    [
      [5, 2, "implementer"],
      [6, 2, "reviewer"],
    ],
  );
  // The fake model's log: turns 1–4 once each before the kill, then only 5 and 6.
  assert.deepEqual(turnsRequested(t.fake.requests.slice(0, sentBeforeKill)), [1, 2, 3, 4, 5]);
  assert.deepEqual(turnsRequested(t.fake.requests.slice(sentBeforeKill)), [5, 6]);
  // Turn 5 starts from turn 4's handoff.
  const turn5 = t.fake.requests.slice(sentBeforeKill).find((r) => relayTurnOf(r) === 5)!;
  assert.match(turn5.prompt.users.at(-1)!, /last handoff came from the planner, turn 4/);
  assert.match(turn5.prompt.users.at(-1)!, /- step 4/);

  const after = JSON.parse((await runCli(t.sandbox, ["okr", "export", "--id", draft.okr.id])).stdout);
  const checkpoint = after.relay_checkpoints[0];
  assert.deepEqual([checkpoint.turn, checkpoint.round, checkpoint.status], [6, 2, "converged"]);
  assert.deepEqual(checkpoint.session_ids.slice(0, 4), saved.session_ids, "finished turns keep their sessions");
  assert.equal(new Set(checkpoint.session_ids).size, 6);
  assert.deepEqual(
    checkpoint.shared_context.facts,
    [1, 2, 3, 4, 5, 6].map((n) => `step ${n}`),
  );
  assert.equal(after.runs[0].status, "completed");
  assert.equal(after.runs[0].iterations, 6);
  assert.deepEqual(checkpoint.kr_progress, after.runs[0].kr_progress);
  assert.equal(after.runs[0].outcomes.length, 6, "one evaluation per turn, none repeated");
});

test("/autochat converges early, and okr resume of a finished relay or of an unapproved run is refused", async () => {
  t.fake.push(
    relayTurn(1, { decisions: ["use a table"], next_actions: ["write it"] }),
    relayTurn(2, { evidence: ["table written"], next_actions: [] }),
  );
  const r = await runCli(t.sandbox, ["run", ...model, "--json", "/autochat 4 --no-prd summarise the design"]);
  assert.equal(r.code, 0, r.stderr);
  const result = jsonLines(r.stdout).at(-1)!;
  assert.equal(result.type, "relay.result");
  assert.deepEqual(
    [result.checkpoint.status, result.checkpoint.turn, result.checkpoint.agents.length],
    ["converged", 2, 4],
  );
  assert.equal(result.checkpoint.okr_run_id, null);
  assert.deepEqual(turnsRequested(t.fake.requests), [1, 2]);
  assert.equal(t.fake.requests.filter((req) => /OKR drafter|key-result evaluator/.test(req.prompt.system)).length, 0);

  const again = await runCli(t.sandbox, ["okr", "resume", "--run", result.checkpoint.relay_id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^codetether: relay \S+ is already converged\n$/);

  t.fake.push(draftTurn("Pending", [{ title: "A", target_value: 1 }]));
  const pending = await runCli(t.sandbox, ["run", ...model, "--json", "/go pending work"]);
  assert.equal(pending.code, 3, pending.stderr);
  const runId = jsonLines(pending.stdout).find((line) => line.type === "okr.pending_approval")!.run_id;
  const early = await runCli(t.sandbox, ["okr", "resume", "--run", runId]);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /^codetether: not_approved: run \S+ has not been approved/);
  const denied = await runCli(t.sandbox, ["okr", "deny", "--run", runId, "--json"]);
  assert.equal(JSON.parse(denied.stdout).status, "denied");
  const audit = await runCli(t.sandbox, ["audit", "query", "--okr-run", runId, "--json"]);
  assert.deepEqual(
    JSON.parse(audit.stdout).events.map((e: any) => [e.action, e.actor, e.status]),
    [
      ["session.start", "agent", "started"], // the draft
      ["session.end", "agent", "stop"],
      ["okr.deny", "user", "denied"],
    ],
  );
  const approveDenied = await runCli(t.sandbox, ["okr", "approve", "--run", runId]);
  assert.match(
    approveDenied.stderr,
    /^codetether: invalid_status_transition: run \S+ cannot go from denied to approved\n$/,
  );
  const unknown = await runCli(t.sandbox, ["okr", "resume", "--run", "nope"]);
  assert.match(unknown.stderr, /^codetether: run not found: nope/);

  // In text mode the first turn's line names the relay, the id `okr resume --run` takes after a crash.
  t.fake.push(relayTurn(1, { evidence: ["done"], next_actions: [] }));
  const text = await runCli(t.sandbox, ["run", ...model, "/autochat 2 --no-prd one more"]);
  assert.equal(text.code, 0, text.stderr);
  const relayId = /▸ turn 1 · round 1 · \S+ · relay (\S+)/.exec(text.stdout + text.stderr)?.[1];
  assert.ok(relayId, text.stderr);
  const named = await runCli(t.sandbox, ["okr", "resume", "--run", relayId]);
  assert.match(named.stderr, /is already converged/);
});

test("okr resume of a relay still running in another process is refused", async () => {
  t.fake.push(
    draftTurn("Slow", [{ title: "Done", target_value: 1 }]),
    relayTurn(1, { next_actions: [] }, { delayMs: 60_000 }),
  );
  let runId = "";
  const first = runCli(t.sandbox, ["run", ...model, "--approve", "--json", "/go slow work"], {
    onSpawn: (child) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        runId ||= /"type":"okr.draft".*?"run":\{"id":"([^"]+)"/.exec(out)?.[1] ?? "";
      });
    },
  });
  while (!t.fake.requests.some((r) => relayTurnOf(r) === 1)) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(runId);
  const second = await runCli(t.sandbox, ["okr", "resume", "--run", runId]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /^codetether: relay \S+ is running in another process\n$/);
  assert.deepEqual(turnsRequested(t.fake.requests), [1], "the second process ran no turn");
  await t.fake.close();
  await first;
});

/** `run "/go --rounds 1 TASK" --approve --json`, given Ctrl+C once its first relay turn reached the model. */
function goInterruptedAtTurn1(task: string) {
  return runCli(t.sandbox, ["run", ...model, "--approve", "--json", `/go --rounds 1 ${task}`], {
    onSpawn: (child) => {
      const timer = setInterval(() => {
        const reached = t.fake.requests.some((r) => relayTurnOf(r) === 1 && JSON.stringify(r.body).includes(task));
        if (!reached) return;
        clearInterval(timer);
        child.kill("SIGINT");
      }, 20);
      child.once("exit", () => clearInterval(timer)); // ended early: the test fails instead of hanging
    },
  });
}

test("Ctrl+C during a turn pauses the run (exit 130, with the resume command) and okr resume finishes it", async () => {
  t.fake.push(
    draftTurn("Interruptible", [{ title: "Done", target_value: 1 }]),
    relayTurn(1, { next_actions: [] }, { hang: true }),
  );
  const first = await goInterruptedAtTurn1("interruptible");
  assert.equal(first.code, 130, first.stderr);
  const runId = jsonLines(first.stdout).find((line) => line.type === "okr.draft")!.run.id;
  assert.match(first.stderr, new RegExp(`interrupted; the run is paused: codetether okr resume --run ${runId}\\n$`));
  const runs = await runCli(t.sandbox, ["okr", "status", "--id", jsonLines(first.stdout)[0]!.okr.id, "--json"]);
  assert.equal(JSON.parse(runs.stdout).latest_run.status, "paused");
  // A resume that fails before the relay starts leaves the run paused, not "running" with nothing running it.
  const failed = await runCli(t.sandbox, ["okr", "resume", "--run", runId, "-m", "nowhere/model"]);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /unknown provider 'nowhere'/);
  const still = await runCli(t.sandbox, ["okr", "status", "--id", jsonLines(first.stdout)[0]!.okr.id, "--json"]);
  assert.equal(JSON.parse(still.stdout).latest_run.status, "paused");

  t.fake.push(relayTurn(1, { next_actions: [] }), evalTurn({ KR1: 1 }));
  const resumed = await runCli(t.sandbox, ["okr", "resume", "--run", runId]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Interruptible: run completed after 1 turn\b/);
});

test("okr cancel gives up a paused run: audited, no longer resumable, not cancelled twice", async () => {
  t.fake.push(
    draftTurn("Given up", [{ title: "Done", target_value: 1 }]),
    relayTurn(1, { next_actions: [] }, { hang: true }),
  );
  const first = await goInterruptedAtTurn1("give up");
  assert.equal(first.code, 130, first.stderr);
  const runId = jsonLines(first.stdout).find((line) => line.type === "okr.draft")!.run.id;
  const cancelled = await runCli(t.sandbox, ["okr", "cancel", "--run", runId, "--json"]);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(JSON.parse(cancelled.stdout).status, "cancelled");
  const resume = await runCli(t.sandbox, ["okr", "resume", "--run", runId]);
  assert.equal(resume.code, 1);
  assert.match(resume.stderr, /cannot go from cancelled to running/);
  const again = await runCli(t.sandbox, ["okr", "cancel", "--run", runId]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^codetether: run \S+ is already cancelled\n$/);
  const audit = await runCli(t.sandbox, ["audit", "query", "--action", "okr.cancel", "--json"]);
  assert.deepEqual(
    JSON.parse(audit.stdout).events.map((e: any) => [e.okr_run_id, e.actor, e.status]),
    [[runId, "user", "cancelled"]],
  );
});

test("/autochat --models gives the members their own models in turn; an unknown one fails before any work", async () => {
  t.fake.push(relayTurn(1, { next_actions: ["on"] }), relayTurn(2, { next_actions: [] }));
  const r = await runCli(t.sandbox, [
    "run",
    ...model,
    "/autochat 2 --models fake/first-model,fake/second-model list things",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const byTurn = new Map(t.fake.requests.map((req) => [relayTurnOf(req), req.model]));
  assert.deepEqual([byTurn.get(1), byTurn.get(2)], ["first-model", "second-model"]);

  const before = t.fake.requests.length;
  const bad = await runCli(t.sandbox, ["run", ...model, "/go --models nowhere/x do it"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^codetether: unknown provider 'nowhere' in model 'nowhere\/x'/);
  assert.equal(t.fake.requests.length, before, "nothing was sent");
});

test("okr approve of a run whose workspace is gone is refused; the run stays at the gate, and okr cancel gives it up", async () => {
  const gone = join(t.sandbox.root, "gone-checkout");
  mkdirSync(gone);
  t.fake.push(draftTurn("Elsewhere", [{ title: "A", target_value: 1 }]));
  const pending = await runCli(t.sandbox, ["run", ...model, "--json", "/go in a checkout"], { cwd: gone });
  assert.equal(pending.code, 3, pending.stderr);
  const runId = jsonLines(pending.stdout).find((line) => line.type === "okr.pending_approval")!.run_id;
  rmSync(gone, { recursive: true });
  const approved = await runCli(t.sandbox, ["okr", "approve", "--run", runId]);
  assert.equal(approved.code, 1);
  assert.match(approved.stderr, /^codetether: the run's workspace \S+gone-checkout does not exist here/);
  // Still at the gate: given up with okr cancel, its objective is cancelled with it, as a denial would.
  const cancelled = await runCli(t.sandbox, ["okr", "cancel", "--run", runId, "--json"]);
  const run = JSON.parse(cancelled.stdout);
  assert.equal(run.status, "cancelled");
  const okr = JSON.parse((await runCli(t.sandbox, ["okr", "status", "--id", run.okr_id, "--json"])).stdout);
  assert.equal(okr.status, "cancelled");
});
