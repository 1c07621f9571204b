/** What one process sharing the control plane's store tells the others, after the change is committed. */
export type FeedMessage =
  | { kind: "offer" }
  | { kind: "output"; task_id: string; run_id: string; batch: number }
  | { kind: "requeued"; task_id: string; attempt: number; reason: string }
  | { kind: "finished"; task_id: string };

/**
 * The control plane's line to the other serve replicas on its store: their offers wake this replica's
 * worker streams, their task news reaches this replica's waiting dispatcher. Messages name rows, never
 * carry them: receivers read what was committed.
 */
export interface ControlPlaneFeed {
  publish(message: FeedMessage): void;
  /** Messages from the other processes, in the order each sent them. */
  subscribe(listener: (message: FeedMessage) => void): void;
  /** Worker streams also look for offers this often: a notice is lost when its sender dies after the commit. */
  readonly pollMs: number;
  close(): Promise<void>;
}
