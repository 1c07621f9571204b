import type { TaskRecord } from "../control-plane/types.ts";
import { Backoff } from "./backoff.ts";
import { type ControlPlaneClient, HttpStatusError } from "./client.ts";
import { readSse } from "../util/sse-reader.ts";

export interface TaskStreamHandlers {
  /** Where to resume: the last event id fully handled. */
  cursor(): number;
  offer(seq: number, task: TaskRecord): void;
  connected(): void;
  disconnected(reason: string): void;
  /** The server no longer knows this worker (e.g. its database was reset): register again. */
  unknownWorker(): Promise<void>;
  /** A refusal no retry can fix (a wrong token): the worker stops. */
  fatal(message: string): void;
}

/**
 * Follows `GET /v1/worker/tasks/stream` until stopped: resumes after the cursor with Last-Event-ID,
 * reconnects with backoff when the stream drops or serve restarts, and can be woken to retry at once.
 */
export class TaskStream {
  readonly #stop = new AbortController();
  #waitCut: AbortController | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly client: ControlPlaneClient,
    private readonly handlers: TaskStreamHandlers,
  ) {
    this.done = this.#follow();
  }

  /** Skips the current reconnect delay. */
  wake(): void {
    this.#waitCut?.abort();
  }

  stop(): Promise<void> {
    this.#stop.abort();
    return this.done;
  }

  async #follow(): Promise<void> {
    const backoff = new Backoff();
    while (!this.#stop.signal.aborted) {
      let reason = "the stream ended";
      try {
        const response = await this.client.openTaskStream(this.handlers.cursor(), this.#stop.signal);
        this.handlers.connected();
        backoff.reset();
        for await (const event of readSse(response.body!)) {
          if (event.event !== "task" || event.id === undefined) continue;
          this.handlers.offer(Number(event.id), JSON.parse(event.data) as TaskRecord);
        }
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        reason = (error as Error).message;
        if (error instanceof HttpStatusError && error.status === 404)
          await this.handlers.unknownWorker().catch(() => {});
        else if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403))
          return this.handlers.fatal(`the server refused the task stream: ${reason}`);
      }
      this.handlers.disconnected(reason);
      this.#waitCut = new AbortController();
      await backoff.wait(AbortSignal.any([this.#stop.signal, this.#waitCut.signal]));
    }
  }
}
