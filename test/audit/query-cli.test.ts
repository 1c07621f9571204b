import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { openAuditTrail, resolveAuditKey } from "../../src/audit/index.ts";
import { auditDir } from "../../src/audit/paths.ts";
import { makeSandbox, runCli } from "../support/cli.ts";

const sandbox = makeSandbox();
after(() => sandbox.cleanup());

test("audit query --replica lists only that replica's records; records without a replica never match", async () => {
  const key = await resolveAuditKey(sandbox.env);
  const dir = join(auditDir(sandbox.dataDir), "writer-1");
  for (const [i, replicaId] of [
    [1, "replica-a"],
    [2, "replica-b"],
    [3, undefined],
    [4, "replica-a"],
  ] as const) {
    const trail = await openAuditTrail(dir, key, { replicaId });
    await trail.append({ actor: "agent", action: "tool.execute", resource: `tool/t${i}`, status: "success" });
    await trail.close();
  }
  const query = async (...args: string[]) => {
    const run = await runCli(sandbox, ["audit", "query", ...args]);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout;
  };
  const resources = async (replica: string) =>
    (JSON.parse(await query("--replica", replica, "--json")).events as { resource: string }[]).map((r) => r.resource);
  assert.deepEqual(await resources("replica-a"), ["tool/t1", "tool/t4"]);
  assert.deepEqual(await resources("replica-b"), ["tool/t2"]);
  assert.match(await query("--replica", "replica-b", "--action", "tool.execute"), /tool\/t2 {2}success\n$/);
  assert.equal(await query("--replica", "replica-c"), "no matching audit records\n");
  assert.match(await query("--help"), /--relay <id> +relay_id\n +--replica <id> +replica_id/);
});
