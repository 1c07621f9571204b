import { basename, dirname } from "node:path";
import type { ChainEnd } from "./retention-marks.ts";
import { LogIndex, openIndexedLog, readPage, type IndexedLogOptions, type RecordPage } from "../events/log-index.ts";
import { type AppendLog, type LogEntry, type LogLocation } from "../events/log/index.ts";
import { AUDIT_INDEX } from "./audit-index.ts";
import type { AuditKey } from "./audit-key.ts";
import { GENESIS_HASH, sealRecord, type AuditInput, type AuditRecord } from "./audit-record.ts";
import { redactRecord } from "../util/redact.ts";
import { HeadLog, headsPath } from "./head-log.ts";
import { signRemovals } from "./retention-marks.ts";
import { signHead } from "./signed-head.ts";
import { verifyWriter } from "./verify-audit.ts";
import type { VerifyResult } from "./verify-chain.ts";
import { appendRegistry, registerWriter } from "./writers-registry.ts";

export interface AuditQuery {
  actor?: string;
  action?: string;
  resource?: string;
  status?: string;
  session_id?: string;
  okr_id?: string;
  okr_run_id?: string;
  relay_id?: string;
  replica_id?: string;
  from?: string | Date;
  to?: string | Date;
  limit?: number;
  cursor?: string;
}

const DEFAULT_PAGE = 100;

/** `replicaId`: stamped on every record this writer seals (see AuditRecord.replica_id). */
export interface AuditTrailOptions extends IndexedLogOptions {
  replicaId?: string;
}

/**
 * Opens the audit trail of the writer slot `dir` (`<data dir>/audit/writer-N`), registers the writer
 * in the slot's signed writers registry, and resumes its chain from the last durable record. Segments
 * that retention removes are signed off in the registry first (see signRemovals).
 */
export async function openAuditTrail(
  dir: string,
  key: AuditKey,
  { replicaId, ...options }: AuditTrailOptions = {},
): Promise<AuditTrail> {
  const { retention } = options;
  const withMarks = retention && { ...options, retention: { ...retention, beforeRemove: signRemovals(dir, key) } };
  return openIndexedLog<AuditRecord, AuditTrail>(dir, AUDIT_INDEX, withMarks ?? options, async (log, index) => {
    const last = (await log.last())?.record;
    const end = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
    await registerWriter(dir, key, end);
    return new AuditTrail(log, index, key, end, new HeadLog(headsPath(dir)), replicaId);
  });
}

/**
 * Append-only record of who did what, chained by HMAC under the audit key; secrets are redacted before
 * anything is written. After every flush the writer signs a head (its last durable seq and hash) into
 * its heads file, and on close into the writers registry too, so records cut off the end show.
 */
export class AuditTrail {
  private readonly writer: string;
  private durable: ChainEnd;
  private signed: number;
  private readonly opened: number;
  private readonly appending = new Set<Promise<unknown>>();
  private headTimer: NodeJS.Immediate | undefined;
  private headFailure: unknown;

  constructor(
    private readonly log: AppendLog<AuditRecord>,
    private readonly index: LogIndex<AuditRecord>,
    private readonly key: AuditKey,
    private head: ChainEnd,
    private readonly heads: HeadLog,
    private readonly replicaId?: string,
  ) {
    this.writer = basename(log.dir);
    this.durable = head;
    this.signed = head.seq;
    this.opened = head.seq;
  }

  /**
   * Sealed synchronously against the current head, and the log writes in call order, so concurrent
   * appends still form one chain. Resolves once the record is durable.
   */
  append(input: AuditInput): Promise<LogEntry<AuditRecord>> {
    const appended = this.appendRecord(input);
    this.appending.add(appended);
    void appended.then(
      () => this.appending.delete(appended),
      () => this.appending.delete(appended),
    );
    return appended;
  }

  private async appendRecord(input: AuditInput): Promise<LogEntry<AuditRecord>> {
    if (this.headFailure !== undefined) throw this.headFailure;
    // The JSON round trip turns Dates, Maps' toJSON and the like into the plain values that get stored.
    const redacted = redactRecord(JSON.parse(JSON.stringify(input)) as AuditInput);
    const record = sealRecord(redacted, this.head, this.key, this.replicaId);
    if (Number.isNaN(Date.parse(record.ts))) throw new TypeError(`audit ts is not a date: ${record.ts}`);
    this.head = { seq: record.seq, hash: record.hash };
    const location = await this.log.append(record);
    if (record.seq > this.durable.seq) this.durable = { seq: record.seq, hash: record.hash };
    // One head per flush: the records of one group commit all settle before the immediate runs.
    this.headTimer ??= setImmediate(() => {
      this.headTimer = undefined;
      this.signHead();
    });
    this.index.add(location, record);
    return { ...location, record };
  }

  /** Signs the last durable record into the heads file; a failure fails the appends after it. */
  private signHead(): void {
    if (this.durable.seq <= this.signed) return;
    try {
      const head = signHead(this.key, { writer: this.writer, ...this.durable });
      this.heads.append(head);
      this.signed = head.seq;
    } catch (error) {
      this.headFailure ??= error;
    }
  }

  /** One record by the location `append` returned. */
  read(location: LogLocation): Promise<AuditRecord> {
    return this.log.read(location);
  }

  /** Checks every record's HMAC and link and the signed heads; names the first edited, deleted or reordered record. */
  verify(): Promise<VerifyResult> {
    return verifyWriter(this.log, this.key);
  }

  /** Matching records oldest first; page on with the returned `nextCursor`. */
  query(query: AuditQuery = {}): Promise<RecordPage<AuditRecord>> {
    const { from, to, limit, cursor, ...equals } = query;
    return readPage(
      this.log,
      this.index.find({ equals, from, to, cursor, limit: limit ?? DEFAULT_PAGE, order: "asc" }),
    );
  }

  /** The newest records first; page back in time with the returned `nextCursor`. */
  recent(limit = DEFAULT_PAGE, cursor?: string): Promise<RecordPage<AuditRecord>> {
    return readPage(this.log, this.index.find({ cursor, limit, order: "desc" }));
  }

  commitNow(): void {
    this.log.commitNow();
  }

  /** Indexes what was appended so far now (see LogIndex.writeQueued). */
  indexNow(): void {
    this.index.writeQueued();
  }

  /** Flushes, then signs the final head into the heads file and the writers registry. */
  async close(): Promise<void> {
    await this.log.close();
    await Promise.allSettled([...this.appending]);
    clearImmediate(this.headTimer);
    this.signHead();
    if (this.durable.seq > this.opened)
      appendRegistry(dirname(this.log.dir), [signHead(this.key, { writer: this.writer, ...this.durable })]);
    this.heads.close();
    this.index.close();
  }
}
