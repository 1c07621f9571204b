import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { draftTurn, evalTurn, relayToolCall, relayTurn, turnsRequested } from "./relay-script.ts";
import { runOnTerminal } from "./terminal.ts";

const t = useFakeModelSandbox({ configure: true });
// A terminal for the y/n gate comes from util-linux `script` (present wherever util-linux is).
const noTerminal = spawnSync("script", ["--version"]).status === 0 ? false : "needs util-linux `script` for a terminal";

test(
  "/go on a terminal: draft → deny with a new intent → redraft → approve → 2 rounds × 3 agents with KR progress after each turn → completed, with report and export",
  { skip: noTerminal },
  async () => {
    t.fake.push(
      draftTurn("Say hello", [{ title: "Greeting drafted", target_value: 1 }]),
      draftTurn("Greet the world", [
        { title: "Greeting file exists: `test -f hello.txt`", target_value: 1 },
        { title: "Reviewed by two agents", target_value: 2, unit: "reviews" },
      ]),
    );
    const progress = [0, 0, 1, 1, 1, 2];
    for (let turn = 1; turn <= 6; turn++) {
      if (turn === 2)
        t.fake.push(relayToolCall(2, { tool: "write_file", input: { path: "hello.txt", content: "hello world\n" } }));
      t.fake.push(
        relayTurn(turn, {
          facts: [`fact of turn ${turn}`],
          evidence: turn === 2 ? ["wrote hello.txt"] : [],
          next_actions: turn === 6 ? [] : [`action after turn ${turn}`],
        }),
        evalTurn({ KR1: progress[turn - 1]! }),
      );
    }
    const session = await runOnTerminal(
      t.sandbox,
      ["run", "-m", "fake/fake-model", "/go --rounds 2 say hello"],
      [
        { prompt: "Approve this OKR? [y/n]", reply: "n\r" },
        { prompt: "New intent (empty to stop):", reply: "greet the world in hello.txt\r" },
        { prompt: "Approve this OKR? [y/n]", reply: "y\r" },
      ],
    );
    assert.equal(session.code, 0, session.screen);
    assert.match(session.screen, /Objective: Say hello/);
    assert.match(session.screen, /Objective: Greet the world/);
    assert.match(session.screen, /run completed after 6 turns/);
    assert.ok(existsSync(join(t.sandbox.workspace, "hello.txt")));

    // The second draft was asked for the new intent; the relay took 6 turns, each once, in order.
    const drafts = t.fake.requests.filter((r) => r.prompt.system.includes("OKR drafter"));
    assert.equal(drafts.length, 2);
    assert.match(drafts[1]!.prompt.users.at(-1)!, /greet the world in hello\.txt/);
    assert.deepEqual(turnsRequested(t.fake.requests), [1, 2, 3, 4, 5, 6]);
    // Each turn's prompt carries the previous turn's handoff.
    const turn4 = t.fake.requests.find((r) => /turn 4 of/.test(r.prompt.users.at(-1) ?? ""))!;
    assert.match(turn4.prompt.users.at(-1)!, /last handoff came from the reviewer, turn 3/);
    assert.match(turn4.prompt.users.at(-1)!, /action after turn 3/);
    assert.match(turn4.prompt.system, /Relay role: planner/);

    const okrs = jsonLines((await runCli(t.sandbox, ["okr", "list", "--json"])).stdout)[0] as any[];
    assert.deepEqual(
      okrs.map((o) => [o.title, o.status]),
      [
        ["Greet the world", "completed"],
        ["Say hello", "cancelled"],
      ],
    );
    const exported = JSON.parse((await runCli(t.sandbox, ["okr", "export", "--id", okrs[0].id])).stdout);
    const [run] = exported.runs;
    assert.equal(run.status, "completed");
    assert.equal(run.iterations, 6);
    assert.equal(run.approval.decision, "approved");
    const [fileKr, reviewKr] = exported.okr.key_results;
    assert.deepEqual([fileKr.current_value, fileKr.status], [1, "completed"]);
    assert.deepEqual([reviewKr.current_value, reviewKr.status], [2, "completed"]);
    assert.equal(run.kr_progress[fileKr.id], 1);
    assert.equal(run.kr_progress[reviewKr.id], 1);
    // One outcome per key result per turn: the command check (failing before turn 2 wrote the file) and the model's score.
    assert.equal(run.outcomes.length, 12);
    const fileOutcomes = run.outcomes.filter((o: any) => o.kr_id === fileKr.id);
    assert.deepEqual(
      fileOutcomes.map((o: any) => o.outcome_type),
      ["evidence", ...Array(5).fill("test_pass")],
    );
    assert.equal(fileOutcomes[1].source, "command");
    assert.deepEqual(
      run.outcomes.filter((o: any) => o.kr_id === reviewKr.id).map((o: any) => o.value),
      progress,
    );
    const [checkpoint] = exported.relay_checkpoints;
    assert.deepEqual([checkpoint.turn, checkpoint.round, checkpoint.status], [6, 2, "converged"]);
    assert.deepEqual(
      checkpoint.agents.map((a: any) => a.name),
      ["planner", "implementer", "reviewer"],
    );
    assert.equal(checkpoint.session_ids.length, 6);
    assert.deepEqual(checkpoint.kr_progress, run.kr_progress);

    const report = await runCli(t.sandbox, ["okr", "report", "--id", okrs[0].id]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /\[#{20}\] 100%  Greeting file exists/);
    assert.match(report.stdout, /completed\s+6 turns/);
    assert.match(report.stdout, /test_pass Greeting file exists: `test -f hello.txt`: `test -f hello.txt` passed/);
    const stats = JSON.parse((await runCli(t.sandbox, ["okr", "stats", "--json"])).stdout);
    assert.deepEqual(stats.by_status, { completed: 1, cancelled: 1 });
    assert.deepEqual(stats.runs_by_status, { completed: 1, denied: 1 });

    // Every record of the run's work carries the OKR, run and relay ids and its session.
    const audit = JSON.parse(
      (await runCli(t.sandbox, ["audit", "query", "--relay", checkpoint.relay_id, "--json"])).stdout,
    );
    const write = audit.events.find((e: any) => e.action === "tool.execute" && e.resource === "tool/write_file");
    assert.ok(write, JSON.stringify(audit.events.map((e: any) => e.action)));
    assert.deepEqual(
      [write.okr_id, write.okr_run_id, write.relay_id, write.session_id],
      [okrs[0].id, run.id, checkpoint.relay_id, checkpoint.session_ids[1]],
    );
    // The draft's own run (before the objective was stored) carries them too.
    const draftStart = audit.events.find((e: any) => e.action === "session.start" && e.session_id === run.session_id);
    assert.deepEqual([draftStart?.okr_id, draftStart?.okr_run_id], [okrs[0].id, run.id]);
    const starts = audit.events.filter(
      (e: any) => e.action === "session.start" && checkpoint.session_ids.includes(e.session_id),
    );
    assert.equal(starts.length, 6);
    const events = jsonLines(
      (await runCli(t.sandbox, ["events", "tail", "--session", checkpoint.session_ids[4], "--json", "-n", "100"]))
        .stdout,
    );
    assert.ok(events.length > 0);
    for (const e of events) {
      const record = e.record ?? e;
      assert.deepEqual([record.okr_id, record.okr_run_id, record.relay_id], [okrs[0].id, run.id, checkpoint.relay_id]);
    }
    assert.ok(events.some((e) => (e.record ?? e).type === "relay.turn_completed"));
  },
);

test(
  "Ctrl+C at the approval prompt leaves the run waiting for approval and says how to decide it",
  { skip: noTerminal },
  async () => {
    t.fake.push(draftTurn("Maybe later", [{ title: "Done", target_value: 1 }]));
    const session = await runOnTerminal(
      t.sandbox,
      ["run", "-m", "fake/fake-model", "/go not now"],
      [{ prompt: "Approve this OKR? [y/n]", reply: "\x03" }],
    );
    assert.equal(session.code, 3, session.screen);
    const runId = /okr approve --run (\S+)/.exec(session.screen)?.[1];
    assert.ok(runId, session.screen);
    const runs = JSON.parse((await runCli(t.sandbox, ["okr", "list", "--json"])).stdout);
    assert.equal(runs[0].title, "Maybe later");
    const denied = await runCli(t.sandbox, ["okr", "deny", "--run", runId, "--json"]);
    assert.equal(JSON.parse(denied.stdout).status, "denied", "the run was still at the gate");
  },
);
