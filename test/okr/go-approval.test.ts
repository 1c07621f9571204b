import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { draftTurn, evalTurn, relayTurn, turnsRequested } from "./relay-script.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

test('without a terminal, run "/go …" stops at pending_approval (exit 3) and okr approve --run continues it', async () => {
  t.fake.push(
    draftTurn("Tidy the README", [
      { title: "Sections reviewed", target_value: 3 },
      { title: "Typos fixed", target_value: 1 },
    ]),
  );
  const pending = await runCli(t.sandbox, ["run", ...model, "/go --rounds 1 tidy the README"]);
  assert.equal(pending.code, 3, pending.stderr);
  const runId = /okr approve --run (\S+)/.exec(pending.stderr)?.[1];
  assert.ok(runId, pending.stderr);
  assert.match(pending.stderr, /Objective: Tidy the README/);
  assert.deepEqual(turnsRequested(t.fake.requests), [], "nothing runs before approval");

  const [okr] = jsonLines((await runCli(t.sandbox, ["okr", "list", "--json"])).stdout)[0] as any[];
  assert.equal(okr.status, "draft");
  const runs = jsonLines((await runCli(t.sandbox, ["okr", "runs", "--id", okr.id, "--json"])).stdout)[0] as any[];
  assert.equal(runs[0].status, "pending_approval");

  t.fake.push(
    relayTurn(1, { facts: ["README has 3 sections"], next_actions: ["review sections"] }),
    evalTurn({ KR1: 1, KR2: 0 }),
    relayTurn(2, { evidence: ["fixed 2 typos"], next_actions: ["final review"] }),
    evalTurn({ KR1: 2, KR2: 1 }),
    relayTurn(3, { evidence: ["all sections reviewed"], next_actions: ["nothing left but a last look"] }),
    evalTurn({ KR1: 3, KR2: 1 }),
  );
  const approved = await runCli(t.sandbox, ["okr", "approve", "--run", runId, "--json"]);
  assert.equal(approved.code, 0, approved.stderr);
  const lines = jsonLines(approved.stdout);
  const final = lines.at(-1)!;
  assert.equal(final.type, "okr.run");
  assert.equal(final.run.status, "completed");
  assert.equal(final.run.approval.decision, "approved");
  assert.equal(final.okr.status, "completed");
  assert.deepEqual(turnsRequested(t.fake.requests), [1, 2, 3]);
  assert.equal(lines.filter((l) => l.type === "relay.evaluated").length, 3);

  const audit = await runCli(t.sandbox, ["audit", "query", "--okr-run", runId, "--action", "okr.approve", "--json"]);
  const [decision] = JSON.parse(audit.stdout).events;
  assert.deepEqual(
    [decision.actor, decision.status, decision.okr_id, decision.relay_id],
    ["user", "approved", okr.id, final.run.relay_checkpoint_id],
  );

  const again = await runCli(t.sandbox, ["okr", "approve", "--run", runId]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^codetether: invalid_status_transition: run \S+ cannot go from completed to approved\n$/);
});

test("a key result's command runs in the sandbox only when no permission rule denies it", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}\n[permission.bash]\n"touch *" = "deny"\n`);
  t.fake.push(
    draftTurn("Checks", [
      { title: "Marker made: `touch made.txt`", target_value: 1 },
      { title: "Workspace listed: `ls`", target_value: 1 },
    ]),
    relayTurn(1, { next_actions: [] }),
  );
  const r = await runCli(t.sandbox, ["run", ...model, "--approve", "--json", "/go check things"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(join(t.sandbox.workspace, "made.txt")), "a denied check never runs");
  const { run, okr } = jsonLines(r.stdout).at(-1)!;
  const [marker, listed] = okr.key_results;
  assert.deepEqual(
    run.outcomes.map((o: any) => [o.kr_id, o.outcome_type, o.description]),
    [
      [marker.id, "evidence", "`touch made.txt` not run: a permission rule denies it"],
      [listed.id, "test_pass", "`ls` passed"],
    ],
  );
  assert.equal(t.fake.requests.filter((req) => req.prompt.system.includes("key-result evaluator")).length, 0);
});
