/**
 * A serve-wide budget for streamed-text progress updates. Each update costs serve's one thread about half a
 * millisecond (the SDK loads, merges and saves the task; the event is redacted and written to the client's
 * stream), so with hundreds of tasks streaming at once a fixed interval per task would saturate the thread
 * and delay everything else, new tasks' first events most. Instead a task's interval grows with the number
 * of tasks holding unpublished text: past the budget, each task's updates get coarser (more text each, the
 * same text in the end) rather than every task's events queueing behind a saturated thread. Tool activity
 * is not paced: it is published as it happens.
 */
export class ProgressPace {
  /** Tasks with text waiting for its update. */
  private waiting = 0;

  constructor(
    readonly minIntervalMs = 200,
    readonly updatesPerSecond = 250,
  ) {}

  /** A task has text to publish: how long it waits, so that all waiting tasks together stay within the budget. */
  begin(): number {
    this.waiting++;
    return Math.max(this.minIntervalMs, (1000 * this.waiting) / this.updatesPerSecond);
  }

  /** The task's waiting text was published (or dropped). */
  end(): void {
    this.waiting--;
  }
}
