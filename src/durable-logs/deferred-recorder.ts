import type { AgentObserver } from "../contracts/agent-events.ts";
import type { AuditInput } from "../audit/index.ts";
import type { NewStreamEvent } from "../events/stream.ts";
import { createAgentObserver, type Correlation } from "./agent-observer.ts";
import type { Recorder, SessionRecorder } from "./recorder.ts";

/**
 * A SessionRecorder opened later than it is used: opening the logs (locks, index databases, the audit
 * key) is ~12 ms of main-thread work that a one-shot run need not do before its first model request,
 * and can do while it waits for the answer. Records made meanwhile keep their time and order and are
 * handed over once it is open; `flush` and `close` open it if nobody has yet, so a run still ends only
 * once all its records are durable. Should nobody call `start` within `latestMs` (a request that never
 * reaches the hook calling it: another transport, a connection that hangs), it opens then: records never
 * wait in memory longer, where a process killed meanwhile would lose them all. When the logs cannot be
 * opened, `open` resolves to undefined and the records are dropped, as an unrecorded run's are.
 */
export class DeferredRecorder implements Recorder {
  private opening: Promise<SessionRecorder | undefined> | undefined;
  private readonly opened: Promise<SessionRecorder | undefined>;
  private resolveOpened!: (recorder: Promise<SessionRecorder | undefined>) => void;
  private readonly deadline: NodeJS.Timeout;

  constructor(
    private readonly open: () => Promise<SessionRecorder | undefined>,
    latestMs: number,
  ) {
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
    this.deadline = setTimeout(() => this.start(), latestMs).unref();
  }

  /** Opens the logs now (once); records queued so far follow in order. */
  start(): void {
    if (this.opening) return;
    clearTimeout(this.deadline);
    this.opening = this.open();
    this.resolveOpened(this.opening);
  }

  recordEvent(input: NewStreamEvent): void {
    const stamped = { ...input, ts: input.ts ?? new Date().toISOString() };
    void this.opened.then((recorder) => recorder?.recordEvent(stamped));
  }

  recordAudit(input: AuditInput): void {
    const stamped = { ...input, ts: input.ts ?? new Date().toISOString() };
    void this.opened.then((recorder) => recorder?.recordAudit(stamped));
  }

  observer(correlation: Correlation = {}): AgentObserver {
    return createAgentObserver(
      { event: (input) => this.recordEvent(input), audit: (input) => this.recordAudit(input) },
      correlation,
    );
  }

  /** Opens the logs if still closed; resolves once every record made before the call is durable. */
  async flush(): Promise<void> {
    this.start();
    // Records queued before this call reach the recorder first: reactions to `opened` run in order.
    await (await this.opened)?.flush();
  }

  async close(): Promise<void> {
    this.start();
    await (await this.opened)?.close();
  }
}
