import assert from "node:assert/strict";
import { test } from "node:test";
import { PostgresOkrStore } from "../../src/okr/postgres-store.ts";
import { replicaFixture } from "./pg-replicas.ts";

test("a relay runs on one machine at a time: held through the database until released", async (t) => {
  const fixture = await replicaFixture(t);
  if (!fixture) return;
  const [first, second] = [new PostgresOkrStore(await fixture.open()), new PostgresOkrStore(await fixture.open())];
  const release = await first.holdRelay("relay-1");
  await assert.rejects(second.holdRelay("relay-1"), /^UserError: relay relay-1 is running in another process$/m);
  const other = await second.holdRelay("relay-2");
  await release();
  const taken = await second.holdRelay("relay-1");
  await assert.rejects(first.holdRelay("relay-1"), /running in another process/);
  await Promise.all([taken(), other()]);
  await (
    await first.holdRelay("relay-2")
  )();
});
