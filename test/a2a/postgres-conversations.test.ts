import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { Pool } from "pg";
import { PostgresConversations } from "../../src/a2a/postgres-conversations.ts";
import { SessionStore } from "../../src/session/store.ts";
import { replicaFixture } from "../postgres/pg-replicas.ts";

/** A replica's side: its own data dir's session store, and the shared conversations over it. */
function replica(t: TestContext, pool: Pool, localLimit?: number) {
  const dir = mkdtempSync(join(tmpdir(), "ct-conversations-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = SessionStore.open(dir);
  return { store, conversations: new PostgresConversations(pool, store, localLimit) };
}

/** One turn in the replica's store: a user message and an answer, as the agent would append them. */
async function turn(side: ReturnType<typeof replica>, contextId: string, text: string) {
  const begun = await side.conversations.begin(contextId);
  const sessionId = begun.sessionId ?? side.store.create({ directory: "/w", model: "m", agent: "build" }).id;
  side.store.append(sessionId, { role: "user", content: text });
  side.store.append(sessionId, { role: "assistant", content: `re: ${text}` });
  return { sessionId, commit: () => begun.commit(sessionId) };
}

const texts = (store: SessionStore, sessionId: string) =>
  store.messages(sessionId).map((m) => (typeof m.message.content === "string" ? m.message.content : ""));

test("a context's session moves between replicas turn by turn; a turn racing another is refused", async (t) => {
  const fixture = await replicaFixture(t);
  if (!fixture) return;
  const a = replica(t, fixture.pool);
  const b = replica(t, await fixture.open());

  const first = await turn(a, "ctx", "one");
  await first.commit();
  const second = await turn(b, "ctx", "two");
  assert.equal(second.sessionId, first.sessionId, "B continues A's session");
  await second.commit();
  assert.deepEqual(texts(b.store, second.sessionId), ["one", "re: one", "two", "re: two"]);

  // Both start from B's commit; the one that commits second is refused and leaves nothing behind.
  const onA = await turn(a, "ctx", "three-a");
  const onB = await turn(b, "ctx", "three-b");
  await onB.commit();
  await assert.rejects(onA.commit(), /context ctx took a turn on another replica meanwhile/);
  await (await turn(a, "ctx", "four")).commit();
  assert.deepEqual(texts(a.store, first.sessionId), [
    "one",
    "re: one",
    "two",
    "re: two",
    "three-b",
    "re: three-b",
    "four",
    "re: four",
  ]);

  // Two replicas starting one new context: the first mapping stays.
  const newOnA = await turn(a, "fresh", "a");
  const newOnB = await turn(b, "fresh", "b");
  await newOnB.commit();
  await assert.rejects(newOnA.commit(), /took a turn on another replica/);
  assert.equal((await a.conversations.begin("fresh")).sessionId, newOnB.sessionId);
});

test("which worker holds a context is shared: a replica sees what another recorded, and the latest wins", async (t) => {
  const fixture = await replicaFixture(t);
  if (!fixture) return;
  const a = replica(t, fixture.pool);
  const b = replica(t, await fixture.open());
  assert.equal(await b.conversations.onWorker("ctx-w"), undefined);
  await a.conversations.setOnWorker("ctx-w", { worker_id: "w2", session_id: "ses_on_w2" });
  assert.deepEqual(await b.conversations.onWorker("ctx-w"), { worker_id: "w2", session_id: "ses_on_w2" });
  await b.conversations.setOnWorker("ctx-w", { worker_id: "w1", session_id: "ses_on_w1" });
  assert.deepEqual(await a.conversations.onWorker("ctx-w"), { worker_id: "w1", session_id: "ses_on_w1" });
});

test("a replica remembers which local copies are current for its most recent sessions only", async (t) => {
  const fixture = await replicaFixture(t);
  if (!fixture) return;
  const a = replica(t, fixture.pool, 2);
  for (const contextId of ["c1", "c2", "c3"]) await (await turn(a, contextId, contextId)).commit();
  let copies = 0;
  const adopt = a.store.adopt.bind(a.store);
  a.store.adopt = (...args) => (copies++, adopt(...args));
  // c3 and c2 are remembered: their next turns start from the local copy.
  await (await turn(a, "c3", "again")).commit();
  await (await turn(a, "c2", "again")).commit();
  assert.equal(copies, 0);
  // c1 was forgotten when c3 was committed: its next turn copies the stored session again, and loses nothing.
  const again = await turn(a, "c1", "again");
  assert.equal(copies, 1);
  assert.deepEqual(texts(a.store, again.sessionId), ["c1", "re: c1", "again", "re: again"]);
});
