import { cutFiles, listSegments, type RawEntry } from "../events/log/index.ts";
import { canonicalJson, GENESIS_HASH, hashRecord, type AuditRecord } from "./audit-record.ts";
import type { AuditKey } from "./audit-key.ts";

/**
 * edited: the record's bytes no longer match its hash or HMAC (or do not parse);
 * deleted: a seq is missing; reordered: a record is out of seq order;
 * broken_link: the record is intact but does not point at the one before (a re-sealed replacement);
 * forged: an unkeyed record sits where only keyed ones may (or a keyed one where the registry says none was);
 * wrong_key: the records were sealed with another audit key than the one verifying;
 * rewritten: a signed head names another record at its seq; truncated: a signed head names a seq past the end;
 * missing_segment, empty_segment: a segment file was deleted or emptied;
 * unknown_stream: no signed head knows a writer's stream; missing_stream: a known writer's directory is gone;
 * bad_head: a head (or writers registry entry) does not carry a valid signature of this key.
 */
export type ChainProblem =
  | "edited"
  | "deleted"
  | "reordered"
  | "broken_link"
  | "forged"
  | "wrong_key"
  | "rewritten"
  | "truncated"
  | "missing_segment"
  | "empty_segment"
  | "unknown_stream"
  | "missing_stream"
  | "bad_head";

export interface ChainFailure {
  ok: false;
  /** Records verified good before the failing one. */
  records: number;
  problem: ChainProblem;
  /** The failing record's seq as stored; null when it no longer parses or the problem is not one record's. */
  seq: number | null;
  expected_seq: number;
  message: string;
  /** Where the failing record is, when the problem is one record's. */
  segment?: number;
  offset?: number;
}

export type VerifyResult =
  | {
      ok: true;
      records: number;
      last_seq: number;
      last_hash: string;
      /** Unkeyed records from before audit keys (seq 1..legacy), vouched for only by the heads after them. */
      legacy: number;
      /** When `[logs]` retention removed the oldest records: the seq the chain starts after (the last removed). */
      start_seq?: number;
    }
  | ChainFailure;

/** A signed head the chain must contain, with where it was found (for messages). */
export interface ExpectedHead {
  seq: number;
  hash: string;
  time: string;
  source: string;
}

export interface ChainRules {
  key: AuditKey;
  heads: ExpectedHead[];
  /** The seq the writers registry registered this writer at: records up to it may be unkeyed, none after. */
  registeredAt: number | undefined;
  /** Signed retention entries: first segment kept → the chain's end before it (the removed segments' last record). */
  starts?: ReadonlyMap<number, { seq: number; hash: string }>;
}

type Failure = Pick<ChainFailure, "problem" | "seq" | "message">;

/**
 * Walks the whole chain from the genesis record and names the first record that breaks it; a chain
 * whose end the writer once had to cut is broken too (see withCutRecords), and so is one that ends
 * before a record a signed head names.
 */
export async function verifyChain(
  dir: string,
  entries: AsyncIterable<RawEntry>,
  rules: ChainRules,
): Promise<VerifyResult> {
  const result = withCutRecords(dir, await walkChain(entries, rules, listSegments(dir)[0] ?? 1));
  return result.ok ? pastTheEnd(result, rules.heads) : result;
}

async function walkChain(
  entries: AsyncIterable<RawEntry>,
  rules: ChainRules,
  firstSegment: number,
): Promise<VerifyResult> {
  const iterator = entries[Symbol.asyncIterator]();
  const headsAt = new Map<number, ExpectedHead[]>();
  for (const head of rules.heads) headsAt.set(head.seq, [...(headsAt.get(head.seq) ?? []), head]);
  const startAt = (segment: number) => rules.starts?.get(segment) ?? { seq: 0, hash: GENESIS_HASH };
  const state = { previous: startAt(firstSegment), keyed: false, legacy: 0 };
  let start = state.previous.seq;
  let records = 0;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const raw = next.value;
      // The writer may have removed more segments since they were listed: start at the first one read.
      if (records === 0 && raw.segment !== firstSegment) {
        state.previous = startAt(raw.segment);
        start = state.previous.seq;
      }
      const expected = state.previous.seq + 1;
      const checked = checkRecord(raw.bytes, state, rules, headsAt);
      if ("problem" in checked) {
        // A later seq in this place means either the expected record is gone or it sits further on.
        if (checked.problem === "deleted" && (await seqAppearsLater(iterator, expected))) checked.problem = "reordered";
        return { ok: false, records, segment: raw.segment, offset: raw.offset, expected_seq: expected, ...checked };
      }
      state.previous = { seq: checked.seq, hash: checked.hash };
      records++;
    }
  } finally {
    await iterator.return?.();
  }
  return {
    ok: true,
    records,
    last_seq: state.previous.seq,
    last_hash: state.previous.hash,
    legacy: state.legacy,
    ...(start > 0 ? { start_seq: start } : {}),
  };
}

/** The chain verified, but a signed head names a record after its last one: records were cut off its end. */
function pastTheEnd(result: Extract<VerifyResult, { ok: true }>, heads: ExpectedHead[]): VerifyResult {
  const beyond = heads.filter((head) => head.seq > result.last_seq).sort((a, b) => b.seq - a.seq)[0];
  if (!beyond) return result;
  const message = `the log ends at seq ${result.last_seq} but the head signed at ${beyond.time} (${beyond.source}) names seq ${beyond.seq}: records were cut off its end`;
  return failedAtEnd(result, "truncated", message);
}

/**
 * A log's chain verified, but its writer once cut whole unparsable lines from the end on reopening:
 * a killed writer never leaves those, so it is reported as an edit (the bytes are in the cut file).
 */
function withCutRecords(dir: string, result: VerifyResult): VerifyResult {
  const [cut] = cutFiles(dir);
  if (!result.ok || !cut) return result;
  const message = `unparsable records were cut from the end of the log when it was reopened (kept in ${cut.name}): an edit, or a power loss mid-write`;
  return failedAtEnd(result, "edited", message, { segment: cut.segment, offset: cut.offset });
}

/** A chain whose records all verified, failed for what is (or is not) after its last record. */
function failedAtEnd(
  result: Extract<VerifyResult, { ok: true }>,
  problem: ChainFailure["problem"],
  message: string,
  where: { segment?: number; offset?: number } = {},
): ChainFailure {
  return {
    ok: false,
    records: result.records,
    problem,
    seq: null,
    expected_seq: result.last_seq + 1,
    message,
    ...where,
  };
}

function checkRecord(
  bytes: Buffer,
  state: { previous: { seq: number; hash: string }; keyed: boolean; legacy: number },
  rules: ChainRules,
  headsAt: Map<number, ExpectedHead[]>,
): AuditRecord | Failure {
  const line = bytes.toString("utf8");
  let record: AuditRecord;
  try {
    record = JSON.parse(line) as AuditRecord;
  } catch {
    return { problem: "edited", seq: null, message: "record does not parse" };
  }
  const seq = typeof record.seq === "number" ? record.seq : null;
  const sealed = checkSeal(record, line, state.keyed, rules);
  if (sealed) return { seq, ...sealed };
  const { previous } = state;
  if (record.seq > previous.seq + 1)
    return { problem: "deleted", seq, message: `expected seq ${previous.seq + 1}, found ${record.seq}` };
  if (record.seq !== previous.seq + 1)
    return { problem: "reordered", seq, message: `expected seq ${previous.seq + 1}, found ${record.seq}` };
  if (record.prev_hash !== previous.hash) {
    return { problem: "broken_link", seq, message: `record ${seq} does not link to record ${previous.seq}` };
  }
  const other = headsAt.get(record.seq)?.find((head) => head.hash !== record.hash);
  if (other)
    return {
      problem: "rewritten",
      seq,
      message: `record ${seq} is not the one the head signed at ${other.time} (${other.source}) names: the log was rewritten from there`,
    };
  if (record.key_id === undefined) state.legacy++;
  else state.keyed = true;
  return record;
}

/** Whether the record carries the seal it must: the key's HMAC, or (only before keyed audit began) a legacy SHA-256. */
function checkSeal(
  record: AuditRecord,
  line: string,
  afterKeyed: boolean,
  { key, registeredAt }: ChainRules,
): Omit<Failure, "seq"> | undefined {
  const seq = record.seq;
  if (record.key_id !== undefined && record.key_id !== key.id)
    return {
      problem: "wrong_key",
      message: `record ${seq} is sealed with audit key ${record.key_id}, not with this key ${key.id} (${key.source})`,
    };
  if (canonicalJson(record) !== line || hashRecord(record, key) !== record.hash) {
    return record.key_id === undefined
      ? { problem: "edited", message: `record ${seq} does not match its hash` }
      : { problem: "edited", message: `record ${seq} does not match its HMAC (edited, or sealed without the key)` };
  }
  if (record.key_id === undefined && afterKeyed)
    return { problem: "forged", message: `unkeyed record ${seq} follows keyed records: written without the key` };
  if (record.key_id === undefined && registeredAt !== undefined && seq > registeredAt)
    return {
      problem: "forged",
      message: `unkeyed record ${seq} follows this writer's registration for keyed audit at seq ${registeredAt}: written without the key`,
    };
  if (record.key_id !== undefined && registeredAt !== undefined && seq <= registeredAt)
    return {
      problem: "forged",
      message: `keyed record ${seq} predates this writer's registration at seq ${registeredAt}: the writers registry was deleted or rewritten`,
    };
  return undefined;
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
