import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseKeyResult } from "../../src/cli/okr/okr-create.ts";
import { parseSlashRun } from "../../src/relay/slash-args.ts";
import { OkrService } from "../../src/okr/service.ts";
import { SqliteOkrStore } from "../../src/okr/sqlite-store.ts";

const dir = mkdtempSync(join(tmpdir(), "okr-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const service = new OkrService(SqliteOkrStore.open(dir));

test("validation errors name their rule", async () => {
  const kr = { title: "k", target_value: 1 };
  await assert.rejects(() => service.createOkr({ title: " ", key_results: [kr] }), /empty_title:/);
  await assert.rejects(() => service.createOkr({ title: "t", key_results: [] }), /no_key_results:/);
  await assert.rejects(
    () => service.createOkr({ title: "t", key_results: [{ title: "", target_value: 1 }] }),
    /empty_key_result_title:/,
  );
  await assert.rejects(
    () => service.createOkr({ title: "t", key_results: [{ title: "k", target_value: 0 }] }),
    /invalid_target_value:/,
  );
  const okr = await service.createOkr({ title: "t", key_results: [kr] });
  await assert.rejects(() => service.createRun(okr.id, "  "), /empty_run_name:/);
});

test("status transitions are checked: a run starts only once approved, finished runs and objectives stay finished", async () => {
  const okr = await service.createOkr({ title: "t", key_results: [{ title: "k", target_value: 2, unit: "x" }] });
  const run = await service.createRun(okr.id, "r");
  assert.equal(run.status, "pending_approval");
  await assert.rejects(() => service.setRunStatus(run.id, "running"), /not_approved:/);
  await assert.rejects(
    () => service.setRunStatus(run.id, "completed"),
    /invalid_status_transition: run \S+ cannot go from pending_approval to completed/,
  );
  await service.decide(run.id, "approved", "ok", "me");
  assert.equal((await service.okr(okr.id)).status, "active");
  await service.setRunStatus(run.id, "running");
  const scored = await service.recordScores(run.id, [
    {
      kr_id: okr.key_results[0]!.id,
      value: 5,
      evidence: ["e"],
      description: "d",
      outcome_type: "evidence",
      source: "model",
    },
  ]);
  assert.equal(scored.kr_progress[okr.key_results[0]!.id], 1, "a value is capped at the target");
  const done = await service.finish(run.id, "completed", { iterations: 1 });
  assert.ok(done.completed_at);
  assert.equal((await service.okr(okr.id)).status, "completed");
  assert.equal((await service.okr(okr.id)).key_results[0]!.outcomes.length, 1);
  await assert.rejects(() => service.setRunStatus(run.id, "running"), /invalid_status_transition/);
  await assert.rejects(
    () => service.setOkrStatus(okr.id, "active"),
    /invalid_status_transition: objective \S+ cannot go from completed to active/,
  );
  const denied = await service.createRun(
    (await service.createOkr({ title: "u", key_results: [{ title: "k", target_value: 1 }] })).id,
    "r2",
  );
  await service.decide(denied.id, "denied");
  await assert.rejects(() => service.decide(denied.id, "approved"), /invalid_status_transition/);
});

test('--kr "title:target:unit" keeps colons in the title; the unit may be left out', () => {
  assert.deepEqual(parseKeyResult("Startup: cold:100:ms"), { title: "Startup: cold", target_value: 100, unit: "ms" });
  assert.deepEqual(parseKeyResult("Flags:12"), { title: "Flags", target_value: 12, unit: "" });
  assert.throws(() => parseKeyResult("no target"), /invalid_target_value/);
});

test("/go and /autochat prompts: agents, rounds, models, --no-prd, --resume, and usage errors", () => {
  assert.deepEqual(parseSlashRun("/go fix it"), { command: "go", task: "fix it", agents: 3, rounds: 3, models: [] });
  assert.deepEqual(parseSlashRun("/autochat 5 --no-prd --rounds 2 --models a/x,b/y review"), {
    command: "autochat",
    task: "review",
    agents: 5,
    rounds: 2,
    models: ["a/x", "b/y"],
  });
  assert.equal(parseSlashRun("/go --resume r1")?.resume, "r1");
  assert.equal(parseSlashRun("/gopher"), undefined);
  assert.equal(parseSlashRun("please /go"), undefined);
  assert.throws(() => parseSlashRun("/autochat 9 x"), /the agent count must be 1 to 8/);
  assert.throws(() => parseSlashRun("/go"), /no task given: \/go/);
  assert.throws(() => parseSlashRun("/go --bogus x"), /^UserError: unknown option --bogus \(\/go \[--agents N\]/);
  assert.throws(() => parseSlashRun("/autochat --no-prd --norounds 2 x"), /unknown option --norounds/);
  assert.equal(parseSlashRun("/go fix the --bogus flag")?.task, "fix the --bogus flag");
});
