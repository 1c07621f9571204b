// Two serve replicas on one PostgreSQL database, 200 A2A tasks across both, one replica killed with SIGKILL
// mid-way: every acknowledged task is on the survivor in a truthful state, the dead replica's running tasks
// are failed exactly once after its lease lapses, and the survivor's own tasks are left alone.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test, type TestContext } from "node:test";
import pg from "pg";
import { taskOf } from "../../src/a2a/task-rows.ts";
import { stateName, textOf } from "../../src/a2a/messages.ts";
import { v1Peer, type Peer, type PeerTask } from "../a2a/peers.ts";
import { startServe, TOKEN, useFakeModel, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { freshDatabase, postgresUnavailableReason } from "./pg-fixture.ts";

const TASKS = 200;
const CALLERS = 8;
/** A quarter of each replica's tasks hang in the model (sent without blocking); the others are answered at once. */
const hangs = (i: number) => i % 8 >= 6;
const SWEEP_LINE = /(\d+) task\(s\) interrupted by a replica that stopped were marked failed/g;
const INTERRUPTED = /^the server stopped while this task was/;

const reason = await postgresUnavailableReason();
const model = useFakeModel();

/** `count` serve replicas (own sandboxes) on one fresh database, with one-second leases; killed after the test. */
async function replicasOnOneDatabase(t: TestContext, count: number) {
  const database = await freshDatabase(t);
  const setup = {
    fake: model.fake,
    env: { CODETETHER_DATABASE_URL: database.url },
    toml: "[storage]\nlease_secs = 1\n",
  };
  const replicas: ServeProcess[] = [];
  for (let i = 0; i < count; i++) {
    const replica = await startServe(setup);
    t.after(() => replica.kill().catch(() => undefined));
    replicas.push(replica);
  }
  return { url: database.url, replicas };
}

interface Submission {
  i: number;
  replica: "A" | "B";
  tag: string;
  /** What the send returned; undefined when it failed (not acknowledged). */
  acknowledged?: PeerTask;
}

/** Sends every submission from CALLERS concurrent callers; `onAcknowledged` runs after each send that returned. */
async function submitAll(
  submissions: Submission[],
  peers: Record<"A" | "B", Peer>,
  onAcknowledged: (count: number) => void,
): Promise<void> {
  let next = 0;
  let acknowledged = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < submissions.length) {
        const submission = submissions[next++]!;
        try {
          submission.acknowledged = await peers[submission.replica].send(submission.tag, {
            immediate: hangs(submission.i),
          });
          onAcknowledged(++acknowledged);
        } catch {
          // The replica died under this send: it was never acknowledged.
        }
      }
    }),
  );
}

async function storedTasks(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ body: string }>("SELECT body FROM a2a_tasks");
    return rows.map((row) => taskOf(row.body));
  } finally {
    await client.end();
  }
}

test(
  "200 tasks on two replicas, one killed mid-way: acknowledged tasks survive truthfully, the dead one's are failed once",
  { skip: reason },
  async (t) => {
    const database = await replicasOnOneDatabase(t, 2);
    const replicas = { A: database.replicas[0]!, B: database.replicas[1]! };
    const peers = {
      A: await v1Peer(replicas.A.endpoints.http, TOKEN, "JSONRPC"),
      B: await v1Peer(replicas.B.endpoints.http, TOKEN, "HTTP+JSON"),
    };

    const submissions: Submission[] = Array.from({ length: TASKS }, (_, i) => {
      const tag = `crash-${i}-${randomUUID()}`;
      model.fake.push(
        hangs(i)
          ? { match: { lastUserContains: tag }, hang: true, items: [{ text: "still working" }] }
          : { match: { lastUserContains: tag }, items: [{ text: `answer ${tag}` }] },
      );
      return { i, replica: i % 2 === 0 ? "A" : "B", tag };
    });
    let killed: Promise<void> | undefined;
    await submitAll(submissions, peers, (count) => {
      if (count === TASKS / 2) killed = replicas.A.kill();
    });
    await killed;

    const acknowledged = submissions.filter((s) => s.acknowledged);
    const ofA = acknowledged.filter((s) => s.replica === "A");
    const ofB = acknowledged.filter((s) => s.replica === "B");
    assert.equal(ofB.length, TASKS / 2, "the survivor acknowledged every send");
    assert.ok(ofA.length >= TASKS / 8 && ofA.length < TASKS / 2, `A acknowledged ${ofA.length} before it died`);
    const hangingOfA = ofA.filter((s) => hangs(s.i)).map((s) => s.acknowledged!.id);
    assert.ok(hangingOfA.length > 0);

    // Every acknowledged task is on the survivor: the answered ones completed, A's hanging ones failed once A's
    // lease lapsed, B's hanging ones still working.
    await waitFor(async () => {
      const states = await Promise.all(hangingOfA.map(async (id) => (await peers.B.get(id)).state));
      return states.every((state) => state === "failed") || undefined;
    }, "A's running tasks failed once its lease lapsed");
    for (const submission of acknowledged) {
      const task = await peers.B.get(submission.acknowledged!.id);
      if (!hangs(submission.i)) {
        assert.equal(submission.acknowledged!.state, "completed");
        assert.equal(task.state, "completed", `task ${submission.i} on ${submission.replica}`);
        assert.equal(task.answer, `answer ${submission.tag}`);
      } else assert.equal(task.state, submission.replica === "A" ? "failed" : "working", `task ${submission.i}`);
    }

    // Rows: every failed task is one A was running (acknowledged or cut off before its send returned), failed
    // by one sweep; nothing of B's was touched and nothing is left unfinished but B's hanging tasks.
    const hangingOfB = new Set(ofB.filter((s) => hangs(s.i)).map((s) => s.acknowledged!.id));
    const ofBIds = new Set(ofB.map((s) => s.acknowledged!.id));
    const failedCount = async () =>
      (await storedTasks(database.url)).filter((t) => stateName(t.status?.state) === "failed").length;
    // The sweep logs after its commit: its line can reach stderr a moment after the failed states are visible.
    const swept = () => [...replicas.B.stderr().matchAll(SWEEP_LINE)].reduce((sum, m) => sum + Number(m[1]), 0);
    await waitFor(async () => (swept() === (await failedCount()) ? true : undefined), "the sweep's lines on stderr");
    // Another lease period: a second sweep of the same tasks would show now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const rows = await storedTasks(database.url);
    let failed = 0;
    for (const row of rows) {
      const state = stateName(row.status?.state);
      const interruptions = row.history.filter((m) => INTERRUPTED.test(textOf(m))).length;
      if (ofBIds.has(row.id)) {
        assert.equal(state, hangingOfB.has(row.id) ? "working" : "completed", `B's task ${row.id}`);
        assert.equal(interruptions, 0);
      } else if (state === "failed") {
        failed++;
        assert.equal(interruptions, 1, `A's task ${row.id} failed by exactly one sweep`);
      } else assert.equal(state, "completed", `A's task ${row.id} is finished`);
    }
    assert.ok(failed >= hangingOfA.length);
    assert.equal(swept(), failed, "the survivor reported each failed task once");
    assert.equal(await replicas.B.stop(), 0);
  },
);

test(
  "a replica frozen past its lease (SIGSTOP) finds its task failed by the other and leaves it failed, without its late answer",
  { skip: reason },
  async (t) => {
    const [stalled, survivor] = (await replicasOnOneDatabase(t, 2)).replicas as [ServeProcess, ServeProcess];
    const tag = `stall-${randomUUID()}`;
    // Answered well after the stall (the woken replica has renewed its lease by then): the late answer is what
    // must not land on the failed task.
    model.fake.push({ match: { lastUserContains: tag }, delayMs: 4000, items: [{ text: "late answer" }] });
    const sent = (await v1Peer(stalled.endpoints.http, TOKEN, "JSONRPC")).send(tag);
    await waitFor(
      () => model.fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))),
      "the model request",
    );
    stalled.child.kill("SIGSTOP");
    const peer = await v1Peer(survivor.endpoints.http, TOKEN, "HTTP+JSON");
    const listed = await waitFor(async () => (await peer.list!(1)).ids[0], "the frozen replica's task stored");
    await waitFor(
      async () => (await peer.get(listed)).state === "failed" || undefined,
      "the frozen replica's task failed",
    );
    stalled.child.kill("SIGCONT");

    // The blocking send returns once the woken replica has run the task to its end.
    assert.equal((await sent).state, "failed", "the woken replica answers the stored state");
    const stored = await peer.get(listed);
    assert.equal(stored.state, "failed");
    assert.equal(stored.answer, undefined, "the late answer was not written over the failed task");
    assert.equal(stored.historyLength, 2, "the request and the one failure");
    assert.equal(await stalled.stop(), 0);
    assert.equal(await survivor.stop(), 0);
  },
);
