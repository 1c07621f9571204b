import { TaskState, type Part } from "@a2a-js/sdk";
import { AgentEvent, type AgentExecutionEvent, type ExecutionEventBus } from "@a2a-js/sdk/server";
import { redactStrings } from "../util/redact.ts";
import { agentMessage, statusEvent } from "./messages.ts";

/**
 * One A2A task's live agent run. It outlives a single `execute` call: when the agent needs an answer
 * (a permission, a question) the run pauses in `input-required`, `execute` returns, and the client's next
 * message on the task resumes the same run where it stopped.
 */
export class TaskRun {
  readonly controller = new AbortController();
  /** Set when the client (or shutdown) cancels; the run then ends `canceled` with this text. */
  cancelReason: string | undefined;
  finished = false;
  readonly done: Promise<void>;
  private markDone!: () => void;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** Asks waiting for the client, oldest first: parallel tool calls may ask at once; one is shown at a time. */
  private asks: Array<{ parts: Part[]; resolve(text: string): void; reject(error: Error): void }> = [];

  constructor(
    readonly taskId: string,
    readonly contextId: string,
    private bus: ExecutionEventBus,
  ) {
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  /** Everything a task publishes (statuses, artifacts) goes out, and into the task store, redacted. */
  publish(event: AgentExecutionEvent): void {
    if (!this.closed) this.bus.publish(redactStrings(event));
  }

  status(state: TaskState, parts?: Part[]): void {
    const message = parts ? agentMessage(this.taskId, this.contextId, parts) : undefined;
    this.publish(AgentEvent.statusUpdate(statusEvent(this.taskId, this.contextId, state, message)));
  }

  /** A `working` update with progress (see withoutProgress): shown to the client, not kept in the history. */
  progress(parts: Part[]): void {
    const message = agentMessage(this.taskId, this.contextId, parts, true);
    this.publish(
      AgentEvent.statusUpdate(statusEvent(this.taskId, this.contextId, TaskState.TASK_STATE_WORKING, message)),
    );
  }

  /** True while paused in input-required. */
  get waiting(): boolean {
    return this.asks.length > 0;
  }

  /** Resolves when the run finishes or pauses for input: the moment `execute` may return. */
  idle(): Promise<void> {
    if (this.finished || this.waiting) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Pauses in input-required with the question; resolves with the text of the client's next message. */
  askInput(parts: Part[]): Promise<string> {
    if (this.controller.signal.aborted) return Promise.reject(new Error(this.cancelReason ?? "task canceled"));
    return new Promise<string>((resolve, reject) => {
      this.asks.push({ parts, resolve, reject });
      if (this.asks.length === 1) this.showAsk();
    });
  }

  /** The client answered the shown ask: continue on the (new) request's event bus, or show the next ask. */
  resume(bus: ExecutionEventBus, text: string): void {
    const answer = this.asks.shift();
    if (!answer) return;
    this.bus = bus;
    if (this.asks.length) this.showAsk();
    else this.status(TaskState.TASK_STATE_WORKING);
    answer.resolve(text);
  }

  private showAsk(): void {
    this.status(TaskState.TASK_STATE_INPUT_REQUIRED, this.asks[0]!.parts);
    this.wakeIdle();
  }

  /** Aborts the model stream and running tools; pending questions are abandoned. */
  cancel(reason: string, bus?: ExecutionEventBus): void {
    if (bus) this.bus = bus;
    this.cancelReason ??= reason;
    this.controller.abort(new Error(reason));
    for (const ask of this.asks.splice(0)) ask.reject(new Error(reason));
  }

  /** Publishes the last event; nothing is published after it. */
  finish(last?: AgentExecutionEvent): void {
    if (this.finished) return;
    try {
      if (last) this.publish(last);
    } finally {
      // Ended even if publishing the last event failed: a run must never stay live (shutdown waits on it).
      this.closed = true;
      this.finished = true;
      this.wakeIdle();
      this.markDone();
    }
  }

  private wakeIdle(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
