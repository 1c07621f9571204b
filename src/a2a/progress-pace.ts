/**
 * A serve-wide budget for streamed-text progress updates. Each update costs serve's one thread ~0.4 ms (the SDK
 * loads, merges and saves the task; the event is redacted and written to the client's stream): at a fixed 200 ms
 * per task, 500 tasks streaming at once spent a fifth of serve's CPU on updates (16 per 4 s answer). Instead a
 * task's interval grows with the number of tasks holding unpublished text, so that together they stay near the
 * budget (100 a second, ~4% of a core): up to 20 tasks streaming get an update every 200 ms, 200 tasks one every
 * 2 s, 500 one every 5 s. Updates get coarser (more text each, the same text in the end) rather than every task's
 * events queueing behind a saturated thread. Tool activity is not paced: it is published as it happens.
 */
export class ProgressPace {
  /** Tasks with text waiting for its update. */
  private waiting = 0;

  constructor(
    readonly minIntervalMs = 200,
    readonly updatesPerSecond = 100,
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
