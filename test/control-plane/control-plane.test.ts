// The queue's rules without HTTP: leases tied to heartbeats, attempts, cancel, idempotent releases,
// restart grace, and the dispatcher's event stream for the A2A executor.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentEvent } from "../../src/agent/events.ts";
import { controlPlaneSettings, type ControlPlaneSettings } from "../../src/control-plane/config.ts";
import { ControlPlane } from "../../src/control-plane/control-plane.ts";
import { TaskDispatcher } from "../../src/control-plane/dispatcher.ts";
import { configSchema } from "../../src/config/schema.ts";
import { tempDir } from "../events/temp-dir.ts";

const SETTINGS: ControlPlaneSettings = { dispatch: "workers", worker_heartbeat_timeout_secs: 10, task_timeout_secs: 60, task_max_attempts: 2, stream_keepalive_secs: 15 };

function makePlane(settings: Partial<ControlPlaneSettings> = {}, dataDir = tempDir("codetether-cp-")) {
  const plane = new ControlPlane({ dataDir, settings: { ...SETTINGS, ...settings } });
  const worker = (id: string, extra: { workspaces?: string[]; capabilities?: string[] } = {}) =>
    plane.register({ worker_id: id, name: id, capabilities: extra.capabilities ?? ["agent"], workspaces: extra.workspaces ?? ["/srv/api"], max_concurrent_tasks: 2 });
  return { plane, worker, dataDir };
}

const finish = (text: string): AgentEvent => ({ type: "finish", reason: "stop", text, steps: 1, usage: { inputTokens: 1, outputTokens: 1, cost: 0 } });

describe("control plane", () => {
  it("re-queues the claims of a worker whose heartbeats lapsed, counting the attempt, then fails after the limit", () => {
    const { plane, worker } = makePlane();
    worker("a");
    worker("b");
    const task = plane.createTask({ prompt: "p" });
    const offers: number[] = [];
    plane.onOffer((offer) => offers.push(offer.seq));

    plane.claim("a", task.id);
    plane.heartbeat("b", { status: "idle", active_tasks: 0 });
    plane.sweep(Date.now() + 5_000);
    assert.equal(plane.task(task.id).status, "running", "within the timeout nothing moves");
    plane.sweep(Date.now() + 11_000);
    const requeued = plane.task(task.id);
    assert.equal(requeued.status, "pending");
    assert.equal(requeued.attempts, 1);
    assert.equal(requeued.worker_id, undefined);
    assert.equal(offers.length, 1, "the re-queued task is offered again");
    assert.equal(plane.workers().find((w) => w.worker_id === "a")!.online, false);

    // A heartbeat revives the worker, but its old claim is gone.
    plane.heartbeat("a", { status: "processing", active_tasks: 1 });
    assert.throws(() => plane.release("a", { task_id: task.id, status: "completed" }), /is pending, not claimed/);

    const second = plane.claim("b", task.id);
    assert.equal(second.attempt, 2);
    plane.sweep(Date.now() + 30_000);
    const failed = plane.task(task.id);
    assert.equal(failed.status, "failed");
    assert.match(failed.error!, /stopped heartbeating; gave up after 2 attempts/);
    plane.close();
  });

  it("treats a repeated claim or release by the holder as the same request", () => {
    const { plane, worker } = makePlane();
    worker("a");
    const task = plane.createTask({ prompt: "p" });
    const claim = plane.claim("a", task.id);
    assert.equal(plane.claim("a", task.id).run_id, claim.run_id);
    plane.release("a", { task_id: task.id, status: "completed", result: "r", run_id: claim.run_id });
    assert.equal(plane.release("a", { task_id: task.id, status: "completed", result: "r" }).status, "completed");
    assert.throws(() => plane.release("a", { task_id: task.id, status: "failed" }), /is completed/);
    assert.throws(() => plane.claim("a", task.id), /already completed/);
    plane.close();
  });

  it("offers a task only to workers serving its workspace and capabilities", () => {
    const { plane, worker } = makePlane();
    worker("api", { workspaces: ["/srv/api"] });
    worker("web", { workspaces: ["/srv/web"], capabilities: ["agent", "gpu"] });
    const task = plane.createTask({ prompt: "p", workspace: "web", capabilities: ["gpu"] });
    assert.throws(() => plane.claim("api", task.id), /does not serve/);
    assert.equal(plane.claim("web", task.id).task.id, task.id);
    plane.close();
  });

  it("gives workers their lease back after serve restarts (its downtime does not count)", () => {
    const first = makePlane();
    first.worker("a");
    const task = first.plane.createTask({ prompt: "p" });
    first.plane.claim("a", task.id);
    first.plane.close();
    const restarted = new ControlPlane({ dataDir: first.dataDir, settings: SETTINGS });
    restarted.sweep(Date.now() + 9_000);
    assert.equal(restarted.task(task.id).status, "running");
    restarted.close();
  });

  it("cancels a pending task at once and a running one through its worker", () => {
    const { plane, worker } = makePlane();
    worker("a");
    const pending = plane.createTask({ prompt: "p" });
    assert.equal(plane.cancel(pending.id).status, "cancelled");
    const running = plane.createTask({ prompt: "q" });
    const claim = plane.claim("a", running.id);
    plane.cancel(running.id);
    assert.deepEqual(plane.heartbeat("a", { status: "processing", active_tasks: 1 }), { cancel_task_ids: [running.id] });
    assert.deepEqual(plane.output("a", { task_id: running.id, run_id: claim.run_id, batch: 0, events: [{ type: "step-start", step: 1 }] }), { cancel: true });
    assert.throws(() => plane.cancel(pending.id), /already cancelled/);
    plane.close();
  });

  it("reads its [server] keys with defaults and rejects bad values", () => {
    assert.equal(controlPlaneSettings(configSchema.parse({})).dispatch, "auto");
    assert.equal(controlPlaneSettings(configSchema.parse({ server: { dispatch: "workers", worker_heartbeat_timeout_secs: 0.5 } })).worker_heartbeat_timeout_secs, 0.5);
    assert.throws(() => controlPlaneSettings(configSchema.parse({ server: { dispatch: "sometimes" } })), /'server\.dispatch'/);
  });
});

describe("task dispatcher", () => {
  it("yields the worker's events in order, a retry when a run is lost, and exactly one finish", async () => {
    const { plane, worker } = makePlane();
    worker("a");
    worker("b");
    const dispatcher = new TaskDispatcher(plane, "workers");
    const events = dispatcher.run({ prompt: "hello" });
    const seen: AgentEvent[] = [];
    const collected = (async () => {
      for await (const event of events) seen.push(event);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    const task = plane.store.listTasks("pending")[0]!;

    const lost = plane.claim("a", task.id);
    plane.output("a", { task_id: task.id, run_id: lost.run_id, batch: 0, events: [{ type: "text-delta", text: "partial" }, finish("partial")] });
    plane.sweep(Date.now() + 11_000);
    const won = plane.claim("b", task.id);
    plane.output("b", { task_id: task.id, run_id: won.run_id, batch: 0, events: [{ type: "text-delta", text: "hello back" }] });
    plane.output("b", { task_id: task.id, run_id: won.run_id, batch: 0, events: [{ type: "text-delta", text: "a retried post is ignored" }] });
    plane.output("b", { task_id: task.id, run_id: won.run_id, batch: 1, events: [finish("hello back")] });
    plane.release("b", { task_id: task.id, status: "completed", result: "hello back" });
    await collected;

    assert.deepEqual(
      seen.map((e) => (e.type === "text-delta" || e.type === "finish" ? `${e.type}:${e.text}` : e.type)),
      ["text-delta:partial", "retry", "text-delta:hello back", "finish:hello back"],
    );
    plane.close();
  });

  it("ends a failed task with its error, and cancels the task when the signal aborts", async () => {
    const { plane, worker } = makePlane();
    worker("a");
    const dispatcher = new TaskDispatcher(plane, "workers");
    const failing = dispatcher.run({ prompt: "fail" });
    const failed = (async () => {
      const seen: AgentEvent[] = [];
      for await (const event of failing) seen.push(event);
      return seen;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    const task = plane.store.listTasks("pending")[0]!;
    plane.claim("a", task.id);
    plane.release("a", { task_id: task.id, status: "failed", error: "model unavailable" });
    assert.deepEqual((await failed).map((e) => e.type + (e.type === "error" ? `:${e.message}` : e.type === "finish" ? `:${e.reason}` : "")), ["error:model unavailable", "finish:error"]);

    const controller = new AbortController();
    const cancelled = dispatcher.run({ prompt: "never mind" }, controller.signal);
    const ending = cancelled.next();
    controller.abort();
    const first = await ending;
    assert.equal(first.done, false);
    assert.deepEqual(first.value && first.value.type === "finish" ? first.value.reason : undefined, "aborted");
    plane.close();
  });

  it("a task pinned to a worker is claimed by that worker only", () => {
    const { plane, worker } = makePlane();
    worker("a");
    worker("b");
    const task = plane.createTask({ prompt: "turn 2", pinned_worker: "b", resume_session: "s-1" });
    assert.throws(() => plane.claim("a", task.id), /is not worker 'b' it is pinned to/);
    const claim = plane.claim("b", task.id);
    assert.equal(claim.task.resume_session, "s-1");
    // Given back (or lost with its worker), it is anybody's, in a fresh session.
    plane.release("b", { task_id: task.id, run_id: claim.run_id, status: "pending" });
    assert.deepEqual([plane.task(task.id).pinned_worker, plane.task(task.id).resume_session], [undefined, undefined]);
    assert.equal(plane.claim("a", task.id).task.status, "running");
    plane.close();
  });

  it("a task pinned to a worker that stops heartbeating before claiming it goes to any worker", () => {
    const { plane, worker } = makePlane();
    worker("a");
    worker("b");
    const task = plane.createTask({ prompt: "turn 2", pinned_worker: "b", resume_session: "s-1" });
    const offers: string[] = [];
    plane.onOffer((offer) => offers.push(offer.task.id));
    plane.heartbeat("a", { status: "idle", active_tasks: 0 });
    plane.sweep(Date.now() + 11_000);
    assert.equal(plane.task(task.id).pinned_worker, undefined);
    assert.deepEqual(offers, [task.id], "offered again, to every worker");
    assert.equal(plane.claim("a", task.id).task.status, "running");
    plane.close();
  });

  it("abandons the worker tasks of given A2A tasks: a queued one is cancelled, a running one asked to cancel, others untouched", () => {
    const { plane, worker } = makePlane();
    worker("a");
    const dispatcher = new TaskDispatcher(plane, "workers");
    const queued = plane.createTask({ prompt: "q", metadata: { a2a_task_id: "t1" } });
    const running = plane.createTask({ prompt: "r", metadata: { a2a_task_id: "t2" } });
    const other = plane.createTask({ prompt: "o", metadata: { a2a_task_id: "t3" } });
    const plain = plane.createTask({ prompt: "p" });
    plane.claim("a", running.id);
    assert.equal(dispatcher.abandon(["t1", "t2"]), 2);
    assert.equal(plane.task(queued.id).status, "cancelled");
    assert.equal(plane.task(running.id).cancel_requested, true);
    assert.deepEqual(plane.heartbeat("a", { status: "processing", active_tasks: 1 }).cancel_task_ids, [running.id]);
    assert.equal(plane.task(other.id).status, "pending");
    assert.equal(plane.task(plain.id).status, "pending");
    plane.close();
  });

  it("dispatches by mode: local never, workers always, auto only when a connected worker serves the task", () => {
    const { plane, worker } = makePlane();
    assert.equal(new TaskDispatcher(plane, "local").shouldDispatch({ prompt: "p" }), false);
    assert.equal(new TaskDispatcher(plane, "workers").shouldDispatch({ prompt: "p" }), true);
    const auto = new TaskDispatcher(plane, "auto");
    worker("a", { workspaces: ["/srv/api"] });
    assert.equal(auto.shouldDispatch({ prompt: "p" }), false, "registered but no task stream open");
    const closeStream = plane.streamOpened("a");
    assert.equal(auto.shouldDispatch({ prompt: "p" }), true);
    assert.equal(auto.shouldDispatch({ prompt: "p", workspace: "web" }), false);
    closeStream();
    assert.equal(auto.shouldDispatch({ prompt: "p" }), false);
    plane.close();
  });
});
