import type { AgentExecutionEvent, AgentExecutor, ExecutionEventBus, RequestContext } from "@a2a-js/sdk/server";
import type { BusHandle } from "./bus-handle.ts";

/**
 * Wraps an A2A executor so that every event it publishes for a task (the task, status updates,
 * artifacts, messages) is also published on `task.{id}` of the agent bus — artifacts as kind
 * `artifact`, the rest as `task_update`. The executor itself is untouched.
 */
export function publishTasksOnBus(executor: AgentExecutor, handle: BusHandle): AgentExecutor {
  return {
    execute: (context: RequestContext, events: ExecutionEventBus) =>
      executor.execute(context, tee(events, context.taskId, handle)),
    cancelTask: (taskId: string, events: ExecutionEventBus) => executor.cancelTask(taskId, tee(events, taskId, handle)),
  };
}

function tee(events: ExecutionEventBus, taskId: string, handle: BusHandle): ExecutionEventBus {
  const mirror = (event: AgentExecutionEvent) => {
    if (handle.closed) return;
    try {
      handle.publishTaskUpdate(taskId, event, { kind: event.kind === "artifactUpdate" ? "artifact" : "task_update" });
    } catch {
      // The mirror is an extra: a closed bus, a task id that is no topic token or a message too large
      // for the bus must not fail the task.
    }
  };
  return new Proxy(events, {
    get(target, property, receiver) {
      if (property === "publish") {
        return (event: AgentExecutionEvent) => {
          target.publish(event);
          mirror(event);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
