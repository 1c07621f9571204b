import { cutFiles, type LogPosition, type RawEntry } from "../events/log/index.ts";
import { canonicalJson, GENESIS_HASH, hashRecord, type AuditRecord } from "./audit-record.ts";

/**
 * edited: the record's bytes no longer match its hash (or do not parse);
 * deleted: a seq is missing; reordered: a record is out of seq order;
 * broken_link: the record is intact but does not point at the one before (a re-sealed replacement).
 */
export type ChainProblem = "edited" | "deleted" | "reordered" | "broken_link";

export type VerifyResult =
  | { ok: true; records: number; last_seq: number; last_hash: string }
  | (LogPosition & {
      ok: false;
      /** Records verified good before the failing one. */
      records: number;
      problem: ChainProblem;
      /** The failing record's seq as stored; null when it no longer parses. */
      seq: number | null;
      expected_seq: number;
      message: string;
    });

type Failure = { problem: ChainProblem; seq: number | null; message: string };

/** A log to verify: its directory (for cut files) and its records' bytes in order. */
export interface ChainLog {
  dir: string;
  rawEntries(): AsyncIterable<RawEntry>;
}

/**
 * Walks the whole chain from the genesis record and names the first record that breaks it; a chain
 * whose end the writer once had to cut is broken too (see withCutRecords).
 */
export async function verifyChain(log: ChainLog): Promise<VerifyResult> {
  return withCutRecords(log.dir, await walkChain(log.rawEntries()));
}

async function walkChain(entries: AsyncIterable<RawEntry>): Promise<VerifyResult> {
  const iterator = entries[Symbol.asyncIterator]();
  let previous = { seq: 0, hash: GENESIS_HASH };
  let records = 0;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const raw = next.value;
      const expected = previous.seq + 1;
      const checked = checkRecord(raw.bytes, previous);
      if ("problem" in checked) {
        // A later seq in this place means either the expected record is gone or it sits further on.
        if (checked.problem === "deleted" && (await seqAppearsLater(iterator, expected))) checked.problem = "reordered";
        return { ok: false, records, segment: raw.segment, offset: raw.offset, expected_seq: expected, ...checked };
      }
      previous = { seq: checked.seq, hash: checked.hash };
      records++;
    }
  } finally {
    await iterator.return?.();
  }
  return { ok: true, records, last_seq: previous.seq, last_hash: previous.hash };
}

/**
 * A log's chain verified, but its writer once cut whole unparsable lines from the end on reopening:
 * a killed writer never leaves those, so it is reported as an edit (the bytes are in the cut file).
 */
function withCutRecords(dir: string, result: VerifyResult): VerifyResult {
  const [cut] = cutFiles(dir);
  if (!result.ok || !cut) return result;
  const message = `unparsable records were cut from the end of the log when it was reopened (kept in ${cut.name}): an edit, or a power loss mid-write`;
  return { ok: false, records: result.records, problem: "edited", seq: null, expected_seq: result.last_seq + 1, segment: cut.segment, offset: cut.offset, message };
}

function checkRecord(bytes: Buffer, previous: { seq: number; hash: string }): AuditRecord | Failure {
  const line = bytes.toString("utf8");
  let record: AuditRecord;
  try {
    record = JSON.parse(line) as AuditRecord;
  } catch {
    return { problem: "edited", seq: null, message: "record does not parse" };
  }
  const seq = typeof record.seq === "number" ? record.seq : null;
  if (canonicalJson(record) !== line || hashRecord(record) !== record.hash) {
    return { problem: "edited", seq, message: `record ${seq} does not match its hash` };
  }
  if (record.seq > previous.seq + 1) return { problem: "deleted", seq, message: `expected seq ${previous.seq + 1}, found ${record.seq}` };
  if (record.seq !== previous.seq + 1) return { problem: "reordered", seq, message: `expected seq ${previous.seq + 1}, found ${record.seq}` };
  if (record.prev_hash !== previous.hash) {
    return { problem: "broken_link", seq, message: `record ${seq} does not link to record ${previous.seq}` };
  }
  return record;
}

async function seqAppearsLater(iterator: AsyncIterator<RawEntry>, seq: number): Promise<boolean> {
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    try {
      if ((JSON.parse(next.value.bytes.toString("utf8")) as AuditRecord).seq === seq) return true;
    } catch {
      // an unparsable later record cannot be the one we look for
    }
  }
  return false;
}
