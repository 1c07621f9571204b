import type { AgentEvent } from "../contracts/agent-events.ts";
import { Backoff } from "./backoff.ts";
import { type ControlPlaneClient, isRetryable } from "./client.ts";

const FLUSH_DELAY_MS = 100;
const MAX_BATCH = 200;

export interface OutputSenderHooks {
  /** The control plane asked to cancel the task. */
  onCancel(): void;
  /** The claim is gone (the task was re-queued or finished elsewhere): stop the run, release nothing. */
  onClaimLost(message: string): void;
  /** True once the worker gives up on an unreachable serve (a second stop signal): retries end. */
  abandoned?(): boolean;
}

/**
 * Streams a run's AgentEvents back to the control plane in small ordered batches: consecutive text
 * deltas are merged, one post is in flight at a time, and a failed post is retried with the same batch
 * number (the server ignores a batch it already has), so nothing is lost or doubled across a restart.
 */
export class OutputSender {
  #pending: AgentEvent[] = [];
  #batch = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  #lost = false;

  constructor(
    private readonly client: ControlPlaneClient,
    private readonly taskId: string,
    private readonly runId: string,
    private readonly hooks: OutputSenderHooks,
  ) {}

  push(event: AgentEvent): void {
    if (this.#lost) return;
    const last = this.#pending.at(-1);
    if (last && (event.type === "text-delta" || event.type === "reasoning-delta") && last.type === event.type)
      last.text += event.text;
    else this.#pending.push({ ...event });
    if (this.#pending.length >= MAX_BATCH || event.type === "finish") this.#flushNow();
    else this.#timer ??= setTimeout(() => this.#flushNow(), FLUSH_DELAY_MS);
  }

  /** Resolves once every pushed event has been accepted (or the claim was lost). */
  async drain(): Promise<void> {
    this.#flushNow();
    await this.#sending;
  }

  #flushNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || this.#lost) return;
    const events = this.#pending;
    this.#pending = [];
    const batch = this.#batch++;
    this.#sending = this.#sending.then(() => this.#send(batch, events));
  }

  async #send(batch: number, events: AgentEvent[]): Promise<void> {
    const backoff = new Backoff();
    while (!this.#lost && !this.hooks.abandoned?.()) {
      try {
        const answer = await this.client.output({ task_id: this.taskId, run_id: this.runId, batch, events });
        if (answer.cancel) this.hooks.onCancel();
        return;
      } catch (error) {
        if (!isRetryable(error)) {
          this.#lost = true;
          this.hooks.onClaimLost((error as Error).message);
          return;
        }
        await backoff.wait();
      }
    }
  }
}
