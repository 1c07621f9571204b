import type { Subscription } from "./subscription.ts";

/** Where a follower of `task.{id}` starts: the task's first message the history still keeps, or the next one. */
export type TaskHistoryStart = "first" | "next";

/**
 * The messages of `task.*` kept for a while (NATS JetStream), so a follower may replay what was published
 * before it subscribed, or while its connection was down: in publish order, each once.
 */
export interface TaskHistory {
  /** The JetStream stream holding them. */
  readonly stream: string;
  /** Resolves once the server has the consumer: whatever is published afterwards arrives. */
  follow(taskId: string, start: TaskHistoryStart): Promise<Subscription>;
}
