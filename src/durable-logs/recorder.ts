import { openAuditTrail, resolveAuditKey, type AuditInput, type AuditKey, type AuditTrail } from "../audit/index.ts";
import { auditDir } from "../audit/paths.ts";
import type { AgentObserver } from "../contracts/agent-events.ts";
import { durationMs } from "../config/duration.ts";
import { logsConfigSchema, type Config } from "../config/schema.ts";
import { errorMessage } from "../contracts/errors.ts";
import { createAgentObserver, type Correlation } from "./agent-observer.ts";
import type { FsyncPolicy, LogOptions } from "../events/log/index.ts";
import { retentionPolicy } from "./retention-policy.ts";
import { eventsDir } from "../events/paths.ts";
import { openEventStream, type EventStream, type NewStreamEvent } from "../events/stream.ts";
import { openFreeSlot } from "../events/writer-slots.ts";

const DEFAULT_LOGS = logsConfigSchema.parse({});

/** Appends within 10 ms share an fsync: a busy run costs a few fsyncs a second, and `flush` still waits for durability. */
const FSYNC: FsyncPolicy = { batchMs: 10, maxBatch: 512 };

/** What an agent needs of the durable logs' writer (SessionRecorder, or a DeferredRecorder standing in for one). */
export type Recorder = Pick<SessionRecorder, "recordEvent" | "recordAudit" | "observer" | "flush" | "close">;

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

  /**
   * The recorder a front end opens: `[logs]` limits, and retention that keeps what `[archive]` has not
   * archived. `replicaId`: a serve replica's lease id, stamped on every record (see SessionRecorder.open).
   */
  static openFor(
    dataDir: string,
    config: Pick<Config, "logs"> & { archive?: unknown },
    replicaId?: string,
  ): Promise<SessionRecorder> {
    return SessionRecorder.open(dataDir, config.logs, { archive: config.archive !== undefined, replicaId });
  }

  /** `openFor`, but the durable logs never stop a run: when they cannot be opened it goes on unrecorded. */
  static openOrWarn(
    dataDir: string,
    config: Pick<Config, "logs"> & { archive?: unknown },
    onWarning: (message: string) => void,
  ): Promise<SessionRecorder | undefined> {
    return SessionRecorder.openFor(dataDir, config).catch((error: unknown) => {
      onWarning(`event log unavailable: ${errorMessage(error)}`);
      return undefined;
    });
  }

  /**
   * `logs`: the `[logs]` section of config.toml, when segments are closed and old ones removed;
   * `archive`: whether `[archive]` is configured (then only archived segments are removed). `key`: the
   * audit key, else resolved from the environment (Vault, CODETETHER_AUDIT_KEY, the key file) as
   * `audit verify` does. `replicaId`: written as `replica_id` into every event and audit record, so
   * the logs of replicas sharing a database tell which replica wrote what; absent in the SQLite mode,
   * where one serve owns the data dir.
   */
  static async open(
    dataDir: string,
    logs = DEFAULT_LOGS,
    {
      onError = warn,
      key,
      archive = false,
      replicaId,
    }: { onError?: (message: string) => void; key?: AuditKey; archive?: boolean; replicaId?: string } = {},
  ): Promise<SessionRecorder> {
    const auditKey = key ?? (await resolveAuditKey());
    const options: LogOptions = {
      fsync: FSYNC,
      segmentBytes: logs.segment_max_bytes,
      segmentMaxAgeMs: durationMs(logs.segment_max_age),
    };
    const retention = (base: string) => retentionPolicy(logs, base, { archive, warn: onError });
    const events = await openFreeSlot(eventsDir(dataDir), (dir) =>
      openEventStream(dir, { ...options, replicaId, retention: retention(eventsDir(dataDir)) }),
    );
    try {
      const audit = await openFreeSlot(auditDir(dataDir), (dir) =>
        openAuditTrail(dir, auditKey, { ...options, replicaId, retention: retention(auditDir(dataDir)) }),
      );
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
    return createAgentObserver(
      { event: (input) => this.recordEvent(input), audit: (input) => this.recordAudit(input) },
      correlation,
    );
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

  /** Indexes the durable records now, so that a reader of the indexes (serve's HTTP API) finds every one of them. */
  indexNow(): void {
    this.events.indexNow();
    this.audit.indexNow();
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

function warn(message: string): void {
  process.stderr.write(`codetether: warning: ${message}\n`);
}
