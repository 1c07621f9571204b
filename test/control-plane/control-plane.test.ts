// The queue's rules without HTTP, on both stores (SQLite, and PostgreSQL when the test database answers):
// leases tied to heartbeats, attempts, cancel, idempotent releases, restart grace, and the dispatcher's
// event stream for the A2A executor.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import { controlPlaneSettings, type ControlPlaneSettings } from "../../src/control-plane/config.ts";
import { ControlPlane } from "../../src/control-plane/control-plane.ts";
import { TaskDispatcher } from "../../src/control-plane/dispatcher.ts";
import { configSchema } from "../../src/config/schema.ts";
import { waitFor } from "../a2a/serve-process.ts";
import { BACKENDS } from "./backends.ts";

const SETTINGS: ControlPlaneSettings = {
  dispatch: "workers",
  worker_heartbeat_timeout_secs: 10,
  task_timeout_secs: 60,
  task_max_attempts: 2,
  stream_keepalive_secs: 15,
};

for (const backend of BACKENDS) {
  async function makePlane(settings: Partial<ControlPlaneSettings> = {}) {
    const database = await backend.open();
    const plane = await ControlPlane.open({ store: await database.store(), settings: { ...SETTINGS, ...settings } });
    database.closeFirst(() => plane.close());
    const worker = (id: string, extra: { workspaces?: string[]; capabilities?: string[] } = {}) =>
      plane.register({
        worker_id: id,
        name: id,
        capabilities: extra.capabilities ?? ["agent"],
        workspaces: extra.workspaces ?? ["/srv/api"],
        max_concurrent_tasks: 2,
      });
    return { plane, worker, database };
  }

  /** The task a dispatcher's run queued (its store write takes a few round trips on PostgreSQL). */
  async function queuedTask(plane: ControlPlane) {
    return waitFor(async () => (await plane.store.listTasks("pending"))[0], "the dispatched task in the queue");
  }

  const finish = (text: string): AgentEvent => ({
    type: "finish",
    reason: "stop",
    text,
    steps: 1,
    usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
  });

  describe(`control plane (${backend.name})`, { skip: backend.skip }, () => {
    it("re-queues the claims of a worker whose heartbeats lapsed, counting the attempt, then fails after the limit", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      await worker("b");
      const task = await plane.createTask({ prompt: "p" });
      let offers = 0;
      plane.onOffer(() => offers++);

      await plane.claim("a", task.id);
      await plane.heartbeat("b", { status: "idle", active_tasks: 0 });
      await plane.sweep(Date.now() + 5_000);
      assert.equal((await plane.task(task.id)).status, "running", "within the timeout nothing moves");
      await plane.sweep(Date.now() + 11_000);
      const requeued = await plane.task(task.id);
      assert.equal(requeued.status, "pending");
      assert.equal(requeued.attempts, 1);
      assert.equal(requeued.worker_id, undefined);
      assert.equal(offers, 1, "the re-queued task is offered again");
      assert.equal((await plane.workers()).find((w) => w.worker_id === "a")!.online, false);

      // A heartbeat revives the worker, but its old claim is gone.
      await plane.heartbeat("a", { status: "processing", active_tasks: 1 });
      await assert.rejects(plane.release("a", { task_id: task.id, status: "completed" }), /is pending, not claimed/);

      const second = await plane.claim("b", task.id);
      assert.equal(second.attempt, 2);
      await plane.sweep(Date.now() + 30_000);
      const failed = await plane.task(task.id);
      assert.equal(failed.status, "failed");
      assert.match(failed.error!, /stopped heartbeating; gave up after 2 attempts/);
      await plane.close();
    });

    it("a worker that registers again running none of its claims (restarted within its timeout) loses them at once", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      const [kept, lost, canceled] = await Promise.all(["k", "l", "c"].map((prompt) => plane.createTask({ prompt })));
      for (const task of [kept, lost, canceled]) await plane.claim("a", task.id);
      await plane.cancel(canceled.id);
      let offers = 0;
      plane.onOffer(() => offers++);
      const registration = { worker_id: "a", name: "a", capabilities: ["agent"], workspaces: ["/srv/api"] };
      await plane.register({ ...registration, max_concurrent_tasks: 2, running_task_ids: [kept.id] });
      assert.equal((await plane.task(kept.id)).status, "running", "a task it still runs stays its");
      const requeued = await plane.task(lost.id);
      assert.deepEqual([requeued.status, requeued.attempts, requeued.worker_id], ["pending", 1, undefined]);
      assert.equal(offers, 1, "offered again at once, not after the heartbeat timeout");
      const cancelled = await plane.task(canceled.id);
      assert.equal(cancelled.status, "cancelled");
      assert.match(cancelled.error!, /worker 'a' restarted without it; the task was being cancelled/);
      // A registration that says nothing of its tasks (an older worker) changes none.
      await plane.register({ ...registration, max_concurrent_tasks: 2 });
      assert.equal((await plane.task(kept.id)).status, "running");
      await plane.close();
    });

    it("treats a repeated claim or release by the holder as the same request", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      const task = await plane.createTask({ prompt: "p" });
      const claim = await plane.claim("a", task.id);
      assert.equal((await plane.claim("a", task.id)).run_id, claim.run_id);
      await plane.release("a", { task_id: task.id, status: "completed", result: "r", run_id: claim.run_id });
      assert.equal(
        (await plane.release("a", { task_id: task.id, status: "completed", result: "r" })).status,
        "completed",
      );
      await assert.rejects(plane.release("a", { task_id: task.id, status: "failed" }), /is completed/);
      await assert.rejects(plane.claim("a", task.id), /already completed/);
      await plane.close();
    });

    it("offers a task only to workers serving its workspace and capabilities", async () => {
      const { plane, worker } = await makePlane();
      await worker("api", { workspaces: ["/srv/api"] });
      await worker("web", { workspaces: ["/srv/web"], capabilities: ["agent", "gpu"] });
      const task = await plane.createTask({ prompt: "p", workspace: "web", capabilities: ["gpu"] });
      await assert.rejects(plane.claim("api", task.id), /does not serve/);
      assert.equal((await plane.claim("web", task.id)).task.id, task.id);
      await plane.close();
    });

    it("gives workers their lease back after serve restarts (its downtime does not count)", async () => {
      const first = await makePlane();
      await first.worker("a");
      const task = await first.plane.createTask({ prompt: "p" });
      await first.plane.claim("a", task.id);
      await first.plane.close();
      const restarted = await ControlPlane.open({ store: await first.database.store(), settings: SETTINGS });
      first.database.closeFirst(() => restarted.close());
      await restarted.sweep(Date.now() + 9_000);
      assert.equal((await restarted.task(task.id)).status, "running");
      await restarted.close();
    });

    it("cancels a pending task at once and a running one through its worker", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      const pending = await plane.createTask({ prompt: "p" });
      assert.equal((await plane.cancel(pending.id)).status, "cancelled");
      const running = await plane.createTask({ prompt: "q" });
      const claim = await plane.claim("a", running.id);
      await plane.cancel(running.id);
      assert.deepEqual(await plane.heartbeat("a", { status: "processing", active_tasks: 1 }), {
        cancel_task_ids: [running.id],
      });
      assert.deepEqual(
        await plane.output("a", {
          task_id: running.id,
          run_id: claim.run_id,
          batch: 0,
          events: [{ type: "step-start", step: 1 }],
        }),
        { cancel: true },
      );
      await assert.rejects(plane.cancel(pending.id), /already cancelled/);
      await plane.close();
    });

    it("reads its [server] keys with defaults and rejects bad values", async () => {
      assert.equal(controlPlaneSettings(configSchema.parse({})).dispatch, "auto");
      assert.equal(
        controlPlaneSettings(
          configSchema.parse({ server: { dispatch: "workers", worker_heartbeat_timeout_secs: 0.5 } }),
        ).worker_heartbeat_timeout_secs,
        0.5,
      );
      assert.throws(
        () => controlPlaneSettings(configSchema.parse({ server: { dispatch: "sometimes" } })),
        /'server\.dispatch'/,
      );
    });
  });

  describe(`task dispatcher (${backend.name})`, { skip: backend.skip }, () => {
    it("yields the worker's events in order, a retry when a run is lost, and exactly one finish", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      await worker("b");
      const dispatcher = new TaskDispatcher(plane, "workers");
      const events = dispatcher.run({ prompt: "hello" });
      const seen: AgentEvent[] = [];
      const collected = (async () => {
        for await (const event of events) seen.push(event);
      })();
      const task = await queuedTask(plane);

      const lost = await plane.claim("a", task.id);
      await plane.output("a", {
        task_id: task.id,
        run_id: lost.run_id,
        batch: 0,
        events: [{ type: "text-delta", text: "partial" }, finish("partial")],
      });
      await plane.sweep(Date.now() + 11_000);
      const won = await plane.claim("b", task.id);
      await plane.output("b", {
        task_id: task.id,
        run_id: won.run_id,
        batch: 0,
        events: [{ type: "text-delta", text: "hello back" }],
      });
      await plane.output("b", {
        task_id: task.id,
        run_id: won.run_id,
        batch: 0,
        events: [{ type: "text-delta", text: "a retried post is ignored" }],
      });
      await plane.output("b", { task_id: task.id, run_id: won.run_id, batch: 1, events: [finish("hello back")] });
      await plane.release("b", { task_id: task.id, status: "completed", result: "hello back" });
      await collected;

      assert.deepEqual(
        seen.map((e) => (e.type === "text-delta" || e.type === "finish" ? `${e.type}:${e.text}` : e.type)),
        ["text-delta:partial", "retry", "text-delta:hello back", "finish:hello back"],
      );
      await plane.close();
    });

    it("ends a failed task with its error, and cancels the task when the signal aborts", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      const dispatcher = new TaskDispatcher(plane, "workers");
      const failing = dispatcher.run({ prompt: "fail" });
      const failed = (async () => {
        const seen: AgentEvent[] = [];
        for await (const event of failing) seen.push(event);
        return seen;
      })();
      const task = await queuedTask(plane);
      await plane.claim("a", task.id);
      await plane.release("a", { task_id: task.id, status: "failed", error: "model unavailable" });
      assert.deepEqual(
        (await failed).map(
          (e) => e.type + (e.type === "error" ? `:${e.message}` : e.type === "finish" ? `:${e.reason}` : ""),
        ),
        ["error:model unavailable", "finish:error"],
      );

      const controller = new AbortController();
      const cancelled = dispatcher.run({ prompt: "never mind" }, controller.signal);
      const ending = cancelled.next();
      controller.abort();
      const first = await ending;
      assert.equal(first.done, false);
      assert.deepEqual(first.value && first.value.type === "finish" ? first.value.reason : undefined, "aborted");
      await plane.close();
    });

    it("a task pinned to a worker is claimed by that worker only", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      await worker("b");
      const task = await plane.createTask({ prompt: "turn 2", pinned_worker: "b", resume_session: "s-1" });
      await assert.rejects(plane.claim("a", task.id), /is not worker 'b' it is pinned to/);
      const claim = await plane.claim("b", task.id);
      assert.equal(claim.task.resume_session, "s-1");
      // Given back (or lost with its worker), it is anybody's, in a fresh session.
      await plane.release("b", { task_id: task.id, run_id: claim.run_id, status: "pending" });
      assert.deepEqual(
        [(await plane.task(task.id)).pinned_worker, (await plane.task(task.id)).resume_session],
        [undefined, undefined],
      );
      assert.equal((await plane.claim("a", task.id)).task.status, "running");
      await plane.close();
    });

    it("a task pinned to a worker that stops heartbeating before claiming it goes to any worker", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      await worker("b");
      const task = await plane.createTask({ prompt: "turn 2", pinned_worker: "b", resume_session: "s-1" });
      const [{ seq: first }] = await plane.store.pendingOffers(0);
      await plane.heartbeat("a", { status: "idle", active_tasks: 0 });
      await plane.sweep(Date.now() + 11_000);
      assert.equal((await plane.task(task.id)).pinned_worker, undefined);
      assert.deepEqual(
        (await plane.store.pendingOffers(first!)).map((offer) => offer.task.id),
        [task.id],
        "offered again, to every worker",
      );
      assert.equal((await plane.claim("a", task.id)).task.status, "running");
      await plane.close();
    });

    it("abandons the worker tasks of given A2A tasks: a queued one is cancelled, a running one asked to cancel, others untouched", async () => {
      const { plane, worker } = await makePlane();
      await worker("a");
      const dispatcher = new TaskDispatcher(plane, "workers");
      const queued = await plane.createTask({ prompt: "q", metadata: { a2a_task_id: "t1" } });
      const running = await plane.createTask({ prompt: "r", metadata: { a2a_task_id: "t2" } });
      const other = await plane.createTask({ prompt: "o", metadata: { a2a_task_id: "t3" } });
      const plain = await plane.createTask({ prompt: "p" });
      await plane.claim("a", running.id);
      assert.equal(await dispatcher.abandon(["t1", "t2"]), 2);
      assert.equal((await plane.task(queued.id)).status, "cancelled");
      assert.equal((await plane.task(running.id)).cancel_requested, true);
      assert.deepEqual((await plane.heartbeat("a", { status: "processing", active_tasks: 1 })).cancel_task_ids, [
        running.id,
      ]);
      assert.equal((await plane.task(other.id)).status, "pending");
      assert.equal((await plane.task(plain.id)).status, "pending");
      await plane.close();
    });

    it("dispatches by mode: local never, workers always, auto only when a connected worker serves the task", async () => {
      const { plane, worker } = await makePlane();
      assert.equal(await new TaskDispatcher(plane, "local").shouldDispatch({ prompt: "p" }), false);
      assert.equal(await new TaskDispatcher(plane, "workers").shouldDispatch({ prompt: "p" }), true);
      const auto = new TaskDispatcher(plane, "auto");
      await worker("a", { workspaces: ["/srv/api"] });
      assert.equal(await auto.shouldDispatch({ prompt: "p" }), false, "registered but no task stream open");
      const closeStream = await plane.streamOpened("a");
      assert.equal(await auto.shouldDispatch({ prompt: "p" }), true);
      assert.equal(await auto.shouldDispatch({ prompt: "p", workspace: "web" }), false);
      await closeStream();
      assert.equal(await auto.shouldDispatch({ prompt: "p" }), false);
      await plane.close();
    });
  });
}
