import { basename, dirname } from "node:path";
import { readLastLineOf, segmentFileName, segmentPath } from "../events/log/index.ts";
import { canonicalJson, hashRecord, type AuditRecord } from "./audit-record.ts";
import type { AuditKey } from "./audit-key.ts";
import { signHead, type SignedHead } from "./signed-head.ts";
import { appendRegistry } from "./writers-registry.ts";

export type ChainEnd = { seq: number; hash: string };

/**
 * What an audit writer does before `[logs]` retention removes its oldest segments: for each, it signs
 * the chain's end at that segment's last record (a head with `pruned_through`) into the writers
 * registry, durably. `audit verify` then starts the chain there, at exactly the first segment kept
 * (see prunedStarts); any other missing segment still fails. A last record whose seal does not verify
 * is never vouched for: the removal fails and the segments stay.
 */
export function signRemovals(dir: string, key: AuditKey): (segments: number[]) => Promise<void> {
  return async (segments) => {
    const marks: SignedHead[] = [];
    for (const segment of segments) {
      const last = await lastSealedRecord(dir, segment, key);
      marks.push(signHead(key, { writer: basename(dir), seq: last.seq, hash: last.hash, pruned_through: segment }));
    }
    appendRegistry(dirname(dir), marks);
  };
}

/** Where the chain of `writer` starts after removals: first kept segment → the chain's end before it. */
export function prunedStarts(heads: SignedHead[], writer: string): Map<number, ChainEnd> {
  const starts = new Map<number, ChainEnd>();
  for (const head of heads)
    if (head.writer === writer && head.pruned_through !== undefined)
      starts.set(head.pruned_through + 1, { seq: head.seq, hash: head.hash });
  return starts;
}

async function lastSealedRecord(dir: string, segment: number, key: AuditKey): Promise<ChainEnd> {
  const name = `${basename(dir)}/${segmentFileName(segment)}`;
  const raw = await readLastLineOf(segmentPath(dir, segment), segment);
  if (!raw) throw new Error(`${name} holds no record`);
  const line = raw.bytes.toString("utf8");
  let record: AuditRecord;
  try {
    record = JSON.parse(line) as AuditRecord;
  } catch {
    throw new Error(`the last record of ${name} does not parse`);
  }
  if (canonicalJson(record) !== line || record.hash !== hashRecord(record, key))
    throw new Error(`the last record of ${name} does not match its seal (run codetether audit verify)`);
  return { seq: record.seq, hash: record.hash };
}
