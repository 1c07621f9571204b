import { openAuditTrail, type AuditInput, type AuditTrail } from "../audit/index.ts";
import type { AgentObserver } from "../agent/run-agent.ts";
import { errorMessage } from "../util/errors.ts";
import { createAgentObserver, type Correlation } from "./agent-observer.ts";
import type { FsyncPolicy } from "./log/index.ts";
import { auditDir, eventsDir } from "./paths.ts";
import { openEventStream, type EventStream, type NewStreamEvent } from "./stream.ts";
import { openFreeSlot } from "./writer-slots.ts";

/** Appends within 10 ms share an fsync: a busy run costs a few fsyncs a second, and `flush` still waits for durability. */
const FSYNC: FsyncPolicy = { batchMs: 10, maxBatch: 512 };

/**
 * This process's writer of the durable logs: its own slot of the event stream and of the audit trail
 * under the data dir. Appends are queued so that the agent loop never waits on a disk; `flush` waits
 * until everything queued is durable. A failed append is reported once, never thrown into a run.
 */
export class SessionRecorder {
  private readonly pending = new Set<Promise<unknown>>();
  private reported = false;

  constructor(
    readonly events: EventStream,
    readonly audit: AuditTrail,
    private readonly onError: (message: string) => void,
  ) {}

  static async open(dataDir: string, onError = warn): Promise<SessionRecorder> {
    const events = await openFreeSlot(eventsDir(dataDir), (dir) => openEventStream(dir, { fsync: FSYNC }));
    try {
      const audit = await openFreeSlot(auditDir(dataDir), (dir) => openAuditTrail(dir, { fsync: FSYNC }));
      return new SessionRecorder(events, audit, onError);
    } catch (error) {
      await events.close();
      throw error;
    }
  }

  recordEvent(input: NewStreamEvent): void {
    this.track(this.events.append(input));
  }

  /** For API calls and other actions outside agent runs; secrets are redacted by the trail. */
  recordAudit(input: AuditInput): void {
    this.track(this.audit.append(input));
  }

  /** An observer for runAgent; the correlation ids (OKR, relay) are stamped on every record. */
  observer(correlation: Correlation = {}): AgentObserver {
    return createAgentObserver({ event: (input) => this.recordEvent(input), audit: (input) => this.recordAudit(input) }, correlation);
  }

  /**
   * Resolves once every record queued before the call is durable (or has failed and been reported),
   * without waiting out the batch window. Records queued meanwhile (a server's other tasks) are not waited for.
   */
  async flush(): Promise<void> {
    const queued = [...this.pending];
    this.events.commitNow();
    this.audit.commitNow();
    await Promise.allSettled(queued);
  }

  /** Shutdown: flushes until nothing is queued any more (records may arrive while it waits), a bounded number of times. */
  async drain(): Promise<void> {
    for (let round = 0; round < 100 && this.pending.size; round++) await this.flush();
  }

  async close(): Promise<void> {
    await this.drain();
    await Promise.all([this.events.close(), this.audit.close()]);
  }

  private track(append: Promise<unknown>): void {
    const tracked = append.then(
      () => undefined,
      (error: unknown) => {
        if (!this.reported) this.onError(`durable log append failed: ${errorMessage(error)}`);
        this.reported = true;
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }
}

const perProcess = new Map<string, Promise<SessionRecorder>>();

/** The recorder of this process for `dataDir`, opened on first use and shared by every run of the process. */
export function processRecorder(dataDir: string): Promise<SessionRecorder> {
  let recorder = perProcess.get(dataDir);
  if (!recorder) {
    recorder = SessionRecorder.open(dataDir);
    perProcess.set(dataDir, recorder);
    recorder.catch(() => perProcess.delete(dataDir));
  }
  return recorder;
}

function warn(message: string): void {
  process.stderr.write(`codetether: warning: ${message}\n`);
}
