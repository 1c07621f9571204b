import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { draftTurn, evalTurn, relayTurn, turnsRequested } from "../okr/relay-script.ts";
import { fakeProviderToml, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel } from "../support/fake-model.ts";
import { freshDatabase, postgresUnavailableReason } from "./pg-fixture.ts";

const reason = await postgresUnavailableReason();

/** A command that ends its pool exits right after its work: far below the runner's kill timeout. */
const PROMPT_EXIT_MS = 10_000;

async function okr(sandbox: Sandbox, args: string[], env: NodeJS.ProcessEnv) {
  const started = Date.now();
  const result = await runCli(sandbox, ["okr", ...args], { env, timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(Date.now() - started < PROMPT_EXIT_MS, `okr ${args[0]} took ${Date.now() - started} ms to exit`);
  return result;
}

/** Two sandboxes (own homes and data dirs) and the environment pointing both at one fresh database. */
async function twoMachines(t: TestContext) {
  const database = await freshDatabase(t);
  const [here, there] = [makeSandbox(), makeSandbox()];
  t.after(() => here.cleanup());
  t.after(() => there.cleanup());
  return { env: { CODETETHER_DATABASE_URL: database.url }, here, there };
}

test(
  "two machines (own data dirs) on one database: an objective created on one is listed on the other",
  { skip: reason },
  async (t) => {
    const { env, here, there } = await twoMachines(t);

    const created = await okr(here, ["create", "--title", "Shared goal", "--kr", "Replicas:2", "--json"], env);
    const { id } = JSON.parse(created.stdout);
    const listed = JSON.parse((await okr(there, ["list", "--json"], env)).stdout);
    assert.deepEqual(
      listed.map((each: any) => [each.id, each.title, each.key_results.map((kr: any) => kr.title)]),
      [[id, "Shared goal", ["Replicas"]]],
    );
    assert.match((await okr(there, ["status", "--id", id], env)).stdout, /Shared goal/);
    // Without the URL, the machine's own SQLite store knows nothing of it.
    assert.deepEqual(JSON.parse((await okr(there, ["list", "--json"], {})).stdout), []);
  },
);

test(
  'run "/go …" drafted on one machine waits for approval; okr approve on another runs it from the database',
  { skip: reason },
  async (t) => {
    const fake = await startFakeModel();
    t.after(() => fake.close());
    const { env, here, there } = await twoMachines(t);
    for (const sandbox of [here, there]) sandbox.writeConfig(fakeProviderToml(fake.url));

    fake.push(draftTurn("Shared relay", [{ title: "Step done", target_value: 1 }]));
    const pending = await runCli(here, ["run", "-m", "fake/fake-model", "/go --agents 1 --rounds 1 one step"], { env });
    assert.equal(pending.code, 3, pending.stderr);
    const runId = /okr approve --run (\S+)/.exec(pending.stderr)?.[1];
    assert.ok(runId, pending.stderr);

    fake.push(relayTurn(1, { evidence: ["done"], next_actions: [] }), evalTurn({ KR1: 1 }));
    const approved = await runCli(there, ["okr", "approve", "--run", runId, "--json"], { env });
    assert.equal(approved.code, 0, approved.stderr);
    const final = jsonLines(approved.stdout).at(-1)!;
    assert.deepEqual([final.run.status, final.okr.status], ["completed", "completed"]);
    assert.deepEqual(turnsRequested(fake.requests), [1]);

    const exported = JSON.parse((await okr(here, ["export", "--id", final.okr.id], env)).stdout);
    assert.deepEqual(
      [exported.runs[0].status, exported.relay_checkpoints[0].turn, exported.relay_checkpoints[0].status],
      ["completed", 1, "converged"],
    );
  },
);
