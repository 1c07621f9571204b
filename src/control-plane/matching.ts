import { basename, resolve } from "node:path";
import type { TaskInput, WorkerRegistration } from "./types.ts";

/** Whether a worker may run a task: it has every required capability and serves the task's workspace. */
export function workerServes(worker: Pick<WorkerRegistration, "capabilities" | "workspaces">, task: TaskInput): boolean {
  const capabilities = task.capabilities ?? [];
  if (!capabilities.every((capability) => worker.capabilities.includes(capability))) return false;
  return task.workspace === undefined || worker.workspaces.some((workspace) => sameWorkspace(workspace, task.workspace!));
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
