import { indexSpec, LogIndex, openIndexedLog, readPage, type RecordPage } from "../events/log-index.ts";
import { type AppendLog, type LogEntry, type LogLocation, type LogOptions } from "../events/log/index.ts";
import { GENESIS_HASH, sealRecord, type AuditInput, type AuditRecord } from "./audit-record.ts";
import { redact } from "./redact.ts";
import { verifyChain, type VerifyResult } from "./verify-chain.ts";

export interface AuditQuery {
  actor?: string;
  action?: string;
  resource?: string;
  status?: string;
  session_id?: string;
  okr_id?: string;
  okr_run_id?: string;
  relay_id?: string;
  from?: string | Date;
  to?: string | Date;
  limit?: number;
  cursor?: string;
}

const DEFAULT_PAGE = 100;

/** What the sidecar index of an audit trail keeps of each record. */
export const AUDIT_INDEX = indexSpec<AuditRecord>(["actor", "action", "resource", "status", "session_id", "okr_id", "okr_run_id", "relay_id"]);

/** Opens the audit trail in `dir` and resumes its hash chain from the last durable record. */
export async function openAuditTrail(dir: string, options: LogOptions = {}): Promise<AuditTrail> {
  return openIndexedLog<AuditRecord, AuditTrail>(dir, AUDIT_INDEX, options, async (log, index) => {
    const last = (await log.last())?.record;
    return new AuditTrail(log, index, last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH });
  });
}

/** Append-only, hash-chained record of who did what; secrets are redacted before anything is written. */
export class AuditTrail {
  constructor(
    private readonly log: AppendLog<AuditRecord>,
    private readonly index: LogIndex<AuditRecord>,
    private head: { seq: number; hash: string },
  ) {}

  /**
   * Sealed synchronously against the current head, and the log writes in call order, so concurrent
   * appends still form one chain. Resolves once the record is durable.
   */
  async append(input: AuditInput): Promise<LogEntry<AuditRecord>> {
    // The JSON round trip turns Dates, Maps' toJSON and the like into the plain values that get stored.
    const record = sealRecord(redact(JSON.parse(JSON.stringify(input)) as AuditInput), this.head);
    if (Number.isNaN(Date.parse(record.ts))) throw new TypeError(`audit ts is not a date: ${record.ts}`);
    this.head = { seq: record.seq, hash: record.hash };
    const location = await this.log.append(record);
    this.index.add(location, record);
    return { ...location, record };
  }

  /** One record by the location `append` returned. */
  read(location: LogLocation): Promise<AuditRecord> {
    return this.log.read(location);
  }

  /** Checks every record's hash and link; names the first edited, deleted or reordered record. */
  verify(): Promise<VerifyResult> {
    return verifyChain(this.log);
  }

  /** Matching records oldest first; page on with the returned `nextCursor`. */
  query(query: AuditQuery = {}): Promise<RecordPage<AuditRecord>> {
    const { from, to, limit, cursor, ...equals } = query;
    return readPage(this.log, this.index.find({ equals, from, to, cursor, limit: limit ?? DEFAULT_PAGE, order: "asc" }));
  }

  /** The newest records first; page back in time with the returned `nextCursor`. */
  recent(limit = DEFAULT_PAGE, cursor?: string): Promise<RecordPage<AuditRecord>> {
    return readPage(this.log, this.index.find({ cursor, limit, order: "desc" }));
  }

  commitNow(): void {
    this.log.commitNow();
  }

  async close(): Promise<void> {
    await this.log.close();
    this.index.close();
  }
}
