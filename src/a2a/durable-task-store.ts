import type { Task, TaskState } from "@a2a-js/sdk";
import type { TaskStore } from "@a2a-js/sdk/server";

/**
 * The A2A task store serve runs on: SQLite (`SqliteTaskStore`, the default) or PostgreSQL
 * (`PostgresTaskStore`, with `[storage] url`). `save` resolves only once the task is durable —
 * acknowledged means committed — and `load` sees every save made before it, committed or not yet.
 * A store may write `working` snapshots (a running task's progress) behind instead, within a second
 * and at `close`: a crash then loses progress of tasks that `failInterrupted` fails anyway.
 */
export interface DurableTaskStore extends TaskStore {
  /**
   * Marks the tasks whose process is gone failed, saying why; returns them once durable. SQLite: every
   * unfinished task (one process per data dir). PostgreSQL: those of replicas whose lease lapsed.
   */
  failInterrupted(): Promise<Task[]>;
  /** When set, processes sharing the store can die at any time: `failInterrupted` is due again this often. */
  readonly recoveryIntervalMs?: number;
  /** With replicas sharing the store: this process's id among them (the owner of the tasks it runs). */
  readonly replicaId?: string;
  /** With replicas sharing the store: the other replica running the unfinished task, if it is not this one. */
  ownerElsewhere?(taskId: string): Promise<string | undefined>;
  /**
   * Ends those of the tasks that are still unfinished (with replicas: and still this one's) in `state`, with `text` as
   * the status message; resolves once durable.
   */
  endUnfinished(taskIds: string[], state: TaskState, text: string): Promise<Task[]>;
  /** Waits (up to `timeoutMs`) until a terminal state is stored for each of the tasks. */
  settled(taskIds: string[], timeoutMs: number): Promise<void>;
  /** Waits for pending saves and releases the store's connections (the store is unusable afterwards). */
  close(): Promise<void>;
}
