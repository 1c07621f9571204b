import type { FeedMessage } from "./feed.ts";
import type { ControlPlaneStore } from "./store.ts";
import type { TaskNews } from "./types.ts";

export type TaskMessage = Exclude<FeedMessage, { kind: "offer" }>;

/**
 * Turns other replicas' task messages into the news of a task waited on here (a dispatcher whose task a
 * worker on another replica runs): what they name is read from the store, one message after another, so
 * each task's news arrives in the order it was sent.
 */
export class NewsRelay {
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ControlPlaneStore,
    private readonly waitedOn: (taskId: string) => boolean,
  ) {}

  relay(message: TaskMessage, tell: (news: TaskNews) => void): void {
    if (!this.waitedOn(message.task_id)) return;
    this.#queue = this.#queue.then(async () => {
      // A read that fails (database briefly away) loses this one piece of news for the waiter here.
      const news = await this.#newsOf(message).catch(() => undefined);
      if (news) tell(news);
    });
  }

  async #newsOf(message: TaskMessage): Promise<TaskNews | undefined> {
    if (message.kind === "requeued") return { type: "requeued", attempt: message.attempt, reason: message.reason };
    if (message.kind === "finished") {
      const task = await this.store.getTask(message.task_id);
      return task && { type: "finished", task };
    }
    const events = await this.store.outputBatch(message.task_id, message.run_id, message.batch);
    return events && { type: "output", runId: message.run_id, events };
  }
}
