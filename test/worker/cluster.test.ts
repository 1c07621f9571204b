// Fault tests with real processes on loopback: the built serve and workers, the fake model in this process.
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startServe, waitFor } from "../a2a/serve-process.ts";
import {
  FAST_SERVER_TOML,
  TOKEN,
  api,
  createTask,
  ledgerTurns,
  sharedWorkspace,
  startWorker,
  tagOf,
  tasksByStatus,
  type WorkerProcess,
} from "./cluster.ts";

describe("worker cluster", () => {
  let fake: FakeModel;
  const cleanups: Array<() => Promise<void> | void> = [];

  before(async () => {
    fake = await startFakeModel();
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await fake.close();
  });

  async function cluster(workers: number, toml = FAST_SERVER_TOML) {
    const serve = await startServe({ fake, toml });
    const shared = sharedWorkspace(serve.sandbox.root);
    const procs: WorkerProcess[] = [];
    for (let i = 0; i < workers; i++)
      procs.push(startWorker({ fake, server: serve.endpoints.http, name: `w${i}`, workspace: shared.path }));
    cleanups.push(async () => {
      await Promise.all(procs.map((p) => p.kill()));
      await serve.kill().catch(() => {});
      for (const p of procs) p.sandbox.cleanup();
      serve.sandbox.cleanup();
    });
    await waitFor(
      async () =>
        (await api(serve, "GET", "/v1/worker/connected")).body.workers.length === workers ? true : undefined,
      `${workers} connected workers`,
    );
    return { serve, shared, procs };
  }

  it("runs 30 tasks on 3 workers, each exactly once", async () => {
    const { serve, shared, procs } = await cluster(3);
    const tags = Array.from({ length: 30 }, (_, i) => tagOf(i));
    for (const tag of tags) fake.push(...ledgerTurns(tag));
    for (const tag of tags) await createTask(serve, tag);

    const done = await waitFor(
      async () => {
        const groups = await tasksByStatus(serve);
        return groups.completed?.length === 30 ? groups.completed : undefined;
      },
      "30 completed tasks",
      60_000,
    );
    assert.deepEqual(shared.ledger().sort(), tags, "every task's side effect happened exactly once");
    assert.ok(
      done.every((task) => task.attempts === 1 && /^done task-\d{3}$/.test(task.result)),
      "one attempt each, with the model's answer as result",
    );
    const workersUsed = new Set(done.map((task) => task.worker_id));
    assert.ok(workersUsed.size >= 2, `work was spread over the workers (used ${workersUsed.size})`);
    const { body } = await api(serve, "GET", `/v1/agent/tasks/${done[0].id}`);
    assert.ok(
      body.output.some((event: any) => event.type === "tool-completed" && event.tool === "bash"),
      "the worker streamed its events back",
    );
    for (const p of procs) assert.equal(await p.stop(), 0, `worker ${p.name} exits 0 on SIGTERM: ${p.stderr()}`);
  });

  it("re-queues the task of a worker killed with -9 and completes it on another", async () => {
    const { serve, shared, procs } = await cluster(2);
    const tag = tagOf(900);
    fake.push(...ledgerTurns(tag, { hangFirst: true }));
    const id = await createTask(serve, tag);
    const first = await waitFor(async () => {
      const { body } = await api(serve, "GET", `/v1/agent/tasks/${id}`);
      return body.task.status === "running" ? body.task : undefined;
    }, "the task to be claimed");
    // Killed mid-task: once its model request is hanging.
    await waitFor(
      () => (fake.requests.some((r) => r.prompt.users.at(-1)?.includes(`[${tag}]`)) ? true : undefined),
      "the model request of the first run",
    );
    const workers = (await api(serve, "GET", "/v1/agent/workers")).body.workers as any[];
    const holder = workers.find((w) => w.worker_id === first.worker_id)!;
    await procs.find((p) => p.name === holder.name)!.kill();

    const finished = await waitFor(
      async () => {
        const { body } = await api(serve, "GET", `/v1/agent/tasks/${id}`);
        return body.task.status === "completed" ? body.task : undefined;
      },
      "the task to complete on the other worker",
      30_000,
    );
    assert.notEqual(finished.worker_id, first.worker_id);
    assert.equal(finished.attempts, 2, "the lost claim counted as an attempt");
    assert.deepEqual(shared.ledger(), [tag]);
    const lapsed = ((await api(serve, "GET", "/v1/agent/workers")).body.workers as any[]).find(
      (w) => w.worker_id === first.worker_id,
    );
    assert.equal(lapsed.online, false);
  });

  it("survives a serve restart: workers reconnect, resume from their cursor, nothing is lost", async () => {
    const { serve, shared, procs } = await cluster(2);
    const port = new URL(serve.endpoints.http).port;
    const before = Array.from({ length: 8 }, (_, i) => tagOf(100 + i));
    const afterRestart = Array.from({ length: 6 }, (_, i) => tagOf(200 + i));
    for (const tag of [...before, ...afterRestart]) fake.push(...ledgerTurns(tag, { delayMs: 150 }));
    for (const tag of before) await createTask(serve, tag);
    await waitFor(async () => ((await tasksByStatus(serve)).running?.length ? true : undefined), "tasks in flight");
    await serve.kill();

    const again = await startServe({ fake, sandbox: serve.sandbox, toml: FAST_SERVER_TOML, args: ["--port", port] });
    cleanups.push(() => again.kill().catch(() => {}));
    for (const tag of afterRestart) await createTask(again, tag);
    const done = await waitFor(
      async () => {
        const groups = await tasksByStatus(again);
        return groups.completed?.length === before.length + afterRestart.length ? groups : undefined;
      },
      "every task completed after the restart",
      60_000,
    );
    assert.deepEqual(Object.keys(done), ["completed"]);
    assert.deepEqual(shared.ledger().sort(), [...before, ...afterRestart].sort(), "nothing lost, nothing done twice");
    // Each reconnected with Last-Event-ID = its cursor (an offer whose claim the restart cut short holds it back).
    // A worker whose tasks all finished may still be in its reconnect backoff, so wait for it.
    for (const p of procs)
      await waitFor(
        () =>
          (p.stderr().match(/task stream connected \(resuming after event \d+\)/g)?.length ?? 0) >= 2
            ? true
            : undefined,
        `${p.name} to reconnect`,
      );
  });

  it("on SIGTERM finishes a running task, or gives it back to the queue; a restarted worker resumes from its saved cursor", async () => {
    const serve = await startServe({ fake, toml: FAST_SERVER_TOML });
    const shared = sharedWorkspace(serve.sandbox.root);
    cleanups.push(async () => {
      await serve.kill().catch(() => {});
      serve.sandbox.cleanup();
    });
    const runUntilSigterm = async (
      name: string,
      graceSecs: string,
      tag: string,
      turns: Parameters<typeof ledgerTurns>[1],
    ) => {
      const worker = startWorker({
        fake,
        server: serve.endpoints.http,
        name,
        workspace: shared.path,
        env: { CODETETHER_WORKER_SHUTDOWN_GRACE_SECS: graceSecs },
      });
      cleanups.push(async () => {
        await worker.kill();
        worker.sandbox.cleanup();
      });
      fake.push(...ledgerTurns(tag, turns));
      const id = await createTask(serve, tag);
      await waitFor(
        () => (fake.requests.some((r) => r.prompt.users.at(-1)?.includes(`[${tag}]`)) ? true : undefined),
        `${name} running its task`,
      );
      assert.equal(await worker.stop(), 0, worker.stderr());
      return { task: (await api(serve, "GET", `/v1/agent/tasks/${id}`)).body.task, worker };
    };
    const patient = await runUntilSigterm("patient", "25", tagOf(700), { delayMs: 300 });
    assert.equal(patient.task.status, "completed");
    const hurried = await runUntilSigterm("hurried", "0", tagOf(701), { hangFirst: true });
    assert.equal(hurried.task.status, "pending");
    assert.equal(hurried.task.worker_id, undefined);
    assert.deepEqual(shared.ledger(), [tagOf(700)]);

    // The patient worker comes back with its id and cursor: it skips what it saw and takes the given-back task.
    const back = startWorker({
      fake,
      server: serve.endpoints.http,
      name: "patient",
      workspace: shared.path,
      sandbox: patient.worker.sandbox,
    });
    cleanups.push(() => back.kill());
    await waitFor(
      async () =>
        (await api(serve, "GET", `/v1/agent/tasks/${hurried.task.id}`)).body.task.status === "completed"
          ? true
          : undefined,
      "the given-back task done by the restarted worker",
    );
    assert.match(back.stderr(), /resuming after event [1-9]\d*\)/);
    assert.match(back.stderr(), new RegExp(`registered with .* as ${patient.task.worker_id}`));
    assert.deepEqual(shared.ledger().sort(), [tagOf(700), tagOf(701)]);
  });

  it("a worker shows online:false once it stops, its stream closes or its heartbeats lapse", async () => {
    const { serve, procs } = await cluster(1);
    const onlineOf = async (name: string) =>
      ((await api(serve, "GET", "/v1/agent/workers")).body.workers as any[]).find((w) => w.name === name)?.online;
    // Well within the 3 s heartbeat timeout: stopping must not wait for the lease sweep.
    const becomes = (name: string, online: boolean, timeoutMs = 1500) =>
      waitFor(
        async () => ((await onlineOf(name)) === online ? true : undefined),
        `${name} online: ${online}`,
        timeoutMs,
      );

    assert.equal(await onlineOf("w0"), true);
    assert.equal(await procs[0]!.stop(), 0, procs[0]!.stderr());
    await becomes("w0", false);

    // A worker speaking the protocol by hand: registered and heartbeating, then its task stream closes.
    const byHand = async (name: string) => {
      await api(serve, "POST", "/v1/agent/workers/register", { worker_id: name, name });
      await api(serve, "POST", `/v1/agent/workers/${name}/heartbeat`, { status: "idle", active_tasks: 0 });
      const stream = new AbortController();
      const response = await fetch(`${serve.endpoints.http}/v1/worker/tasks/stream`, {
        headers: { authorization: `Bearer ${TOKEN}`, "x-worker-id": name },
        signal: stream.signal,
      });
      assert.equal(response.status, 200);
      cleanups.push(() => stream.abort());
      await becomes(name, true);
      return stream;
    };
    (await byHand("closing")).abort();
    await becomes("closing", false);

    // Its stream stays open but no heartbeat comes: offline once the 3 s lease lapses.
    await byHand("silent");
    await becomes("silent", false, 10_000);
  });

  it("with serve gone mid-task, a second SIGINT ends the worker instead of retrying forever", async () => {
    const serve = await startServe({ fake, toml: FAST_SERVER_TOML });
    const shared = sharedWorkspace(serve.sandbox.root);
    const worker = startWorker({
      fake,
      server: serve.endpoints.http,
      name: "stranded",
      workspace: shared.path,
      env: { CODETETHER_WORKER_SHUTDOWN_GRACE_SECS: "60" },
    });
    cleanups.push(async () => {
      await worker.kill();
      worker.sandbox.cleanup();
      serve.sandbox.cleanup();
    });
    const tag = tagOf(800);
    fake.push(...ledgerTurns(tag, { delayMs: 1500 }));
    await createTask(serve, tag);
    await waitFor(
      () => (fake.requests.some((r) => r.prompt.users.at(-1)?.includes(`[${tag}]`)) ? true : undefined),
      "the worker running its task",
    );
    await serve.kill();
    const exited = once(worker.child, "exit");
    worker.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the run ends; its output cannot reach serve
    worker.child.kill("SIGINT");
    const [code] = (await Promise.race([
      exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`still running: ${worker.stderr()}`)), 20_000)),
    ])) as [number | null];
    assert.notEqual(code, null);
  });
});
