import { basename, resolve } from "node:path";
import type { TaskInput, WorkerRegistration } from "./types.ts";

/** Whether a worker may run a task: it is the one the task is pinned to, if any, has every required capability and serves the task's workspace. */
export function workerServes(
  worker: Pick<WorkerRegistration, "worker_id" | "capabilities" | "workspaces">,
  task: TaskInput,
): boolean {
  if (task.pinned_worker !== undefined && task.pinned_worker !== worker.worker_id) return false;
  const capabilities = task.capabilities ?? [];
  if (!capabilities.every((capability) => worker.capabilities.includes(capability))) return false;
  return (
    task.workspace === undefined || worker.workspaces.some((workspace) => sameWorkspace(workspace, task.workspace!))
  );
}

/**
 * A task names a workspace by path or by name: `/srv/repo` matches a worker serving `/srv/repo`,
 * `repo` matches any worker serving a directory called `repo` (workers of one cluster rarely share paths).
 */
export function sameWorkspace(served: string, wanted: string): boolean {
  if (served === wanted) return true;
  if (!wanted.includes("/")) return basename(served) === wanted;
  return resolve(served) === resolve(wanted);
}
