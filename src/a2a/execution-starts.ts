import type { AgentExecutor } from "@a2a-js/sdk/server";

/**
 * Tells when the SDK's request handler hands a task to the executor: by then it has checked the message
 * and recorded it in the task's history, so the message is accepted even if no event follows for a while
 * (a message to a task that is still working only joins its history).
 */
export class ExecutionStarts {
  readonly #waiters = new Map<string, Set<() => void>>();

  /** The executor, reporting each `execute` here first. */
  watch(executor: AgentExecutor): AgentExecutor {
    return {
      execute: (context, bus) => {
        for (const wake of this.#waiters.get(context.taskId) ?? []) wake();
        return executor.execute(context, bus);
      },
      cancelTask: (taskId, bus) => executor.cancelTask(taskId, bus),
    };
  }

  /** Resolves at the task's next `execute`; `forget` once it no longer matters. */
  next(taskId: string): { started: Promise<void>; forget(): void } {
    let wake!: () => void;
    const started = new Promise<void>((resolve) => (wake = resolve));
    const waiters = this.#waiters.get(taskId) ?? new Set();
    this.#waiters.set(taskId, waiters.add(wake));
    return {
      started,
      forget: () => {
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiters.get(taskId) === waiters) this.#waiters.delete(taskId);
      },
    };
  }
}
