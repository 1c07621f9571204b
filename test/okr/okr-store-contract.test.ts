import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import type { KeyResult, KrOutcome, Okr, OkrRun } from "../../src/okr/model.ts";
import { PostgresOkrStore } from "../../src/okr/postgres-store.ts";
import { OkrService } from "../../src/okr/service.ts";
import { SqliteOkrStore } from "../../src/okr/sqlite-store.ts";
import type { OkrStore } from "../../src/okr/store.ts";
import { newCheckpoint } from "../../src/relay/checkpoint.ts";
import { replicaFixture } from "../postgres/pg-replicas.ts";

/** A store on fresh storage, and `reopen` for another store on the same storage (another process or machine). */
interface Backend {
  store: OkrStore;
  reopen(): Promise<OkrStore>;
}

const backends: Record<string, (t: TestContext) => Promise<Backend | undefined>> = {
  sqlite: async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "ct-okrstore-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return { store: SqliteOkrStore.open(dir), reopen: async () => SqliteOkrStore.open(dir) };
  },
  postgres: async (t) => {
    const fixture = await replicaFixture(t);
    if (!fixture) return undefined;
    return {
      store: new PostgresOkrStore(fixture.pool),
      reopen: async () => new PostgresOkrStore(await fixture.open()),
    };
  },
};

const AT = "2026-01-01T00:00:00.000Z";

function objective(id: string, krCount: number, fields: Partial<Okr> = {}): Okr {
  const key_results = Array.from({ length: krCount }, (_, i): KeyResult => ({
    id: `${id}-kr${i + 1}`,
    okr_id: id,
    title: `kr ${i + 1}`,
    description: "",
    target_value: 10,
    current_value: 0,
    unit: "",
    metric_type: "count",
    status: "pending",
    outcomes: [],
  }));
  return {
    id,
    title: `objective ${id}`,
    description: "",
    status: "draft",
    key_results,
    tags: ["t"],
    created_at: AT,
    updated_at: AT,
    ...fields,
  };
}

function run(id: string, okrId: string, fields: Partial<OkrRun> = {}): OkrRun {
  return {
    id,
    okr_id: okrId,
    name: id,
    status: "pending_approval",
    kr_progress: {},
    outcomes: [],
    iterations: 0,
    cost: 0,
    started_at: AT,
    ...fields,
  };
}

function outcome(id: string, krId: string, runId: string | undefined, created_at = AT): KrOutcome {
  return {
    id,
    kr_id: krId,
    ...(runId ? { run_id: runId } : {}),
    description: id,
    outcome_type: "evidence",
    evidence: ["e"],
    source: "model",
    created_at,
  };
}

for (const [name, open] of Object.entries(backends)) {
  describe(`OKR store contract: ${name}`, () => {
    test("objectives: stored whole with their key results in order; newest first, ties by insertion; filtered by status", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const { store } = backend;
      const first = objective("a", 3);
      await store.insertOkr(first);
      await store.insertOkr(objective("b", 1));
      await store.insertOkr(objective("c", 1, { status: "active", created_at: "2025-12-31T00:00:00.000Z" }));
      assert.deepEqual(await store.getOkr("a"), first);
      assert.equal(await store.getOkr("missing"), undefined);
      assert.deepEqual(
        (await store.listOkrs()).map((okr) => okr.id),
        ["b", "a", "c"],
      );
      assert.deepEqual(
        (await store.listOkrs({ status: "active" })).map((okr) => okr.id),
        ["c"],
      );

      await store.updateOkr({ ...first, status: "active", title: "renamed" });
      await store.updateKeyResult({ ...first.key_results[1]!, current_value: 4, status: "in_progress" });
      const other = await backend.reopen();
      const stored = (await other.getOkr("a"))!;
      assert.equal(stored.status, "active");
      assert.equal(stored.title, "renamed");
      assert.deepEqual(
        stored.key_results.map((kr) => [kr.id, kr.current_value]),
        [
          ["a-kr1", 0],
          ["a-kr2", 4],
          ["a-kr3", 0],
        ],
      );
      assert.deepEqual(
        (await other.listOkrs({ status: "active" })).map((okr) => okr.id),
        ["a", "c"],
      );
    });

    test("runs and outcomes: oldest first, each outcome on its key result and its run", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const { store } = backend;
      await store.insertOkr(objective("o", 2));
      await store.insertOkr(objective("p", 1));
      await store.insertRun(run("r1", "o"));
      await store.insertRun(run("r2", "o"));
      await store.insertRun(run("r3", "p", { started_at: "2025-01-01T00:00:00.000Z" }));
      await store.insertOutcome(outcome("x2", "o-kr1", "r1", "2026-01-02T00:00:00.000Z"));
      await store.insertOutcome(outcome("x1", "o-kr1", "r1"));
      await store.insertOutcome(outcome("x3", "o-kr2", "r2"));
      await store.insertOutcome(outcome("manual", "o-kr2", undefined));
      await store.updateRun({
        ...run("r1", "o"),
        status: "approved",
        iterations: 2,
        approval: { decision: "approved", reason: "", decided_at: AT },
      });

      const other = await backend.reopen();
      assert.deepEqual(
        (await other.listRuns("o")).map((r) => r.id),
        ["r1", "r2"],
      );
      assert.deepEqual(
        (await other.listRuns()).map((r) => r.id),
        ["r3", "r1", "r2"],
      );
      const r1 = (await other.getRun("r1"))!;
      assert.equal(r1.status, "approved");
      assert.equal(r1.approval?.decision, "approved");
      assert.deepEqual(
        r1.outcomes.map((o) => o.id),
        ["x1", "x2"],
      );
      assert.equal(await other.getRun("missing"), undefined);
      const okr = (await other.getOkr("o"))!;
      assert.deepEqual(
        okr.key_results.map((kr) => kr.outcomes.map((o) => o.id)),
        [
          ["x1", "x2"],
          ["x3", "manual"],
        ],
      );
      assert.deepEqual(okr.key_results[1]!.outcomes[1], outcome("manual", "o-kr2", undefined));
    });

    test("relay checkpoints: saved, replaced, read back from another store", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const checkpoint = newCheckpoint({
        relay_id: "relay-1",
        task: "t",
        workspace: "/w",
        model: "fake/m",
        agents: [],
        max_rounds: 2,
      });
      await backend.store.saveCheckpoint(checkpoint);
      const later = { ...checkpoint, turn: 1, round: 1, okr_run_id: "r1", session_ids: ["s1"] };
      await backend.store.saveCheckpoint(later);
      assert.deepEqual(await (await backend.reopen()).getCheckpoint("relay-1"), later);
      assert.equal(await backend.store.getCheckpoint("missing"), undefined);
    });

    test("a transaction is all or nothing; one begun inside it joins it; others' writes wait for its end", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const { store } = backend;
      await assert.rejects(
        store.transaction(async () => {
          await store.insertOkr(objective("gone", 1));
          await store.transaction(() => store.insertRun(run("gone-run", "gone")));
          throw new Error("changed my mind");
        }),
        /changed my mind/,
      );
      assert.equal(await store.getOkr("gone"), undefined);
      assert.equal(await store.getRun("gone-run"), undefined);

      const other = await backend.reopen();
      let begin!: () => void;
      const begun = new Promise<void>((resolve) => (begin = resolve));
      const rolledBack = store.transaction(async () => {
        await store.insertOkr(objective("rolled-back", 1));
        begin();
        await store.getOkr("rolled-back");
        throw new Error("rollback");
      });
      // Written meanwhile by this store and another on the same storage, outside the transaction's calls:
      // not undone with it.
      const kept = newCheckpoint({
        relay_id: "kept",
        task: "t",
        workspace: "/w",
        model: "m",
        agents: [],
        max_rounds: 1,
      });
      const outside = begun.then(() =>
        Promise.all([store.insertOkr(objective("kept", 1)), other.saveCheckpoint(kept)]),
      );
      await assert.rejects(rolledBack, /rollback/);
      await outside;
      assert.deepEqual(await store.getCheckpoint("kept"), kept);
      assert.deepEqual(
        (await store.listOkrs()).map((okr) => okr.id),
        ["kept"],
      );

      const committed = await store.transaction(async () => {
        await store.insertOkr(objective("both", 1));
        await store.insertRun(run("both-run", "both"));
        return "done";
      });
      assert.equal(committed, "done");
      assert.equal((await (await backend.reopen()).getRun("both-run"))?.okr_id, "both");
    });

    test("approve and deny of one run from two stores at once (two machines): one decision wins, the state agrees", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const [here, there] = [new OkrService(backend.store), new OkrService(await backend.reopen())];
      for (let round = 0; round < 8; round++) {
        const okr = await here.createOkr({ title: `gate ${round}`, key_results: [{ title: "k", target_value: 1 }] });
        const pending = await here.createRun(okr.id, "r");
        const decisions = await Promise.allSettled([
          here.decide(pending.id, "approved"),
          there.decide(pending.id, "denied"),
        ]);
        const won = decisions.flatMap((d, i) => (d.status === "fulfilled" ? [i === 0 ? "approved" : "denied"] : []));
        assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(decisions.map((d) => d.status))}`);
        const [run, objective] = [await here.run(pending.id), await here.okr(okr.id)];
        assert.deepEqual(
          [run.status, run.approval?.decision, objective.status],
          won[0] === "approved" ? ["approved", "approved", "active"] : ["denied", "denied", "cancelled"],
        );
      }
    });
  });
}
