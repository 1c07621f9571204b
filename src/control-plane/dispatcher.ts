import type { AgentEvent } from "../contracts/agent-events.ts";
import type { DispatchMode } from "./config.ts";
import type { ControlPlane, TaskNews } from "./control-plane.ts";
import type { TaskInput, TaskRecord } from "./types.ts";

const NO_USAGE = { inputTokens: 0, outputTokens: 0, cost: 0 };

/** The metadata key of a dispatched task that names the A2A task it runs for. */
export const A2A_TASK_KEY = "a2a_task_id";

/**
 * The hook the A2A executor uses to run a task on the workers instead of in serve:
 *
 *   const events = (await dispatcher.shouldDispatch(input)) ? dispatcher.run(input, signal) : runAgent(prompt, options);
 *   for await (const event of events) …   // the same AgentEvents either way
 *
 * `run` queues the task, yields the events its worker streams back as they arrive, and ends with exactly
 * one `finish` (after an `error` when the task failed). A run lost with its worker shows as a `retry`
 * event before the next worker's events. Aborting the signal cancels the task.
 */
export class TaskDispatcher {
  constructor(
    private readonly plane: ControlPlane,
    readonly mode: DispatchMode,
  ) {}

  /** `local`: never; `workers`: always (the task waits for a worker); `auto`: when a connected worker serves it. */
  async shouldDispatch(input: TaskInput): Promise<boolean> {
    if (this.mode === "local") return false;
    return this.mode === "workers" || (await this.plane.hasWorkerFor(input));
  }

  /**
   * Cancels the queued or running worker tasks of these A2A tasks: after a restart of serve they were
   * marked failed, and nobody waits for their output any more.
   */
  async abandon(a2aTaskIds: string[]): Promise<number> {
    const ids = new Set(a2aTaskIds);
    let cancelled = 0;
    const { store } = this.plane;
    for (const task of [...(await store.listTasks("pending", -1)), ...(await store.listTasks("running", -1))]) {
      const of = task.metadata?.[A2A_TASK_KEY];
      if (typeof of !== "string" || !ids.has(of)) continue;
      // Another replica may have ended it meanwhile: only what is still open counts.
      if (
        await this.plane.cancel(task.id).then(
          () => true,
          () => false,
        )
      )
        cancelled++;
    }
    return cancelled;
  }

  /** Whether the worker is connected now (a context pinned to it can continue there). */
  isConnected(workerId: string): Promise<boolean> {
    return this.plane.isConnected(workerId);
  }

  /** `onEnd` hears the task as it ended: which worker ran it, in which session. */
  async *run(
    input: TaskInput,
    signal?: AbortSignal,
    onEnd?: (task: TaskRecord) => void,
  ): AsyncGenerator<AgentEvent, TaskRecord> {
    const news: TaskNews[] = [];
    let wake: (() => void) | undefined;
    const task = await this.plane.createTask(input);
    // Subscribed right after the commit, before any I/O is handled: no worker news can come before it.
    const unsubscribe = this.plane.onTask(task.id, (item) => {
      news.push(item);
      wake?.();
    });
    // Already finished: nothing left to cancel.
    const cancel = () => void this.plane.cancel(task.id).catch(() => undefined);
    signal?.addEventListener("abort", cancel, { once: true });
    if (signal?.aborted) cancel();
    // The run's own finish is held back until the task ends: a lost run's finish must not end the stream.
    let lastFinish: Extract<AgentEvent, { type: "finish" }> | undefined;
    try {
      for (;;) {
        if (news.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const item = news.shift()!;
        if (item.type === "output") {
          for (const event of item.events) {
            if (event.type === "finish") lastFinish = event;
            else yield event;
          }
        } else if (item.type === "requeued") {
          lastFinish = undefined;
          yield {
            type: "retry",
            attempt: item.attempt + 1,
            delayMs: 0,
            error: `${item.reason}; the task went back to the queue`,
          };
        } else {
          onEnd?.(item.task);
          yield* finalEvents(item.task, lastFinish);
          return item.task;
        }
      }
    } finally {
      signal?.removeEventListener("abort", cancel);
      unsubscribe();
    }
  }
}

function finalEvents(task: TaskRecord, runFinish: Extract<AgentEvent, { type: "finish" }> | undefined): AgentEvent[] {
  const base = { steps: runFinish?.steps ?? 0, usage: runFinish?.usage ?? NO_USAGE };
  if (task.status === "completed")
    return [runFinish ?? { type: "finish", reason: "stop", text: task.result ?? "", ...base }];
  if (task.status === "cancelled") return [{ type: "finish", reason: "aborted", text: runFinish?.text ?? "", ...base }];
  return [
    { type: "error", message: task.error ?? "the worker reported a failure" },
    { type: "finish", reason: "error", text: runFinish?.text ?? "", ...base },
  ];
}
