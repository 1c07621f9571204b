import { statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { openLogView } from "../events/log-view.ts";
import { listSegments, segmentFileName, segmentPath, type RawEntry } from "../events/log/index.ts";
import { slotDirs } from "../events/writer-slots.ts";
import type { AuditKey } from "./audit-key.ts";
import { AUDIT_INDEX } from "./audit-index.ts";
import { headsPath, HEADS_FILE, readHeadsFile } from "./head-log.ts";
import { prunedStarts, type ChainEnd } from "./retention-marks.ts";
import { auditDir } from "./paths.ts";
import { headProblem, parseHeads, type SignedHead } from "./signed-head.ts";
import { verifyChain, type ChainFailure, type ExpectedHead, type VerifyResult } from "./verify-chain.ts";
import { readRegistry, REGISTRY_FILE } from "./writers-registry.ts";

export type SlotVerifyResult = VerifyResult & { stream: string };

/** A log to verify: its directory (segments, heads, cut files) and its records' bytes in order. */
export interface ChainLog {
  dir: string;
  rawEntries(): AsyncIterable<RawEntry>;
}

/** Heads from one source (a heads file, the registry, a head kept elsewhere): the valid ones, or what is wrong. */
type CheckedHeads =
  { heads: (SignedHead & ExpectedHead)[]; problem?: undefined } | { problem: string; kind: "bad_head" | "wrong_key" };

/**
 * Verifies every writer stream of the data dir's audit trail against the key: each stream's chain and
 * heads (verifyWriter), every writer the signed registry or `given` heads (a head kept elsewhere, see
 * `audit verify --head`) know of still being there, and the registry itself.
 */
export async function verifyAudit(
  dataDir: string,
  key: AuditKey,
  given?: { values: unknown[]; source: string },
): Promise<SlotVerifyResult[]> {
  const base = auditDir(dataDir);
  const registry = checkHeads(key, parseHeads(readRegistry(base).text), `audit/${REGISTRY_FILE}`);
  if (registry.problem !== undefined)
    return [{ stream: REGISTRY_FILE, ...streamFailure(registry.kind, registry.problem) }];
  const extra = given ? checkHeads(key, { heads: given.values, bad: [] }, given.source) : { heads: [] };
  if (extra.problem !== undefined) return [{ stream: given!.source, ...streamFailure(extra.kind, extra.problem) }];

  const dirs = new Map(slotDirs(base).map((dir) => [basename(dir), dir]));
  const results: SlotVerifyResult[] = [];
  const known = [...registry.heads, ...extra.heads];
  const names = [...new Set([...dirs.keys(), ...known.map((head) => head.writer)])].sort(bySlot);
  for (const stream of names) {
    const dir = dirs.get(stream);
    const heads = extra.heads.filter((head) => head.writer === stream);
    if (dir) {
      const view = await openLogView(dir, AUDIT_INDEX);
      try {
        results.push({ stream, ...(await verifyWriter(view, key, heads)) });
      } finally {
        await view.close();
      }
      continue;
    }
    const newest = known.filter((head) => head.writer === stream).sort((a, b) => b.seq - a.seq)[0]!;
    const message = `its directory audit/${stream} is gone, but the head signed at ${newest.time} (${newest.source}) names it at seq ${newest.seq}`;
    results.push({ stream, ...streamFailure("missing_stream", message) });
  }
  return results;
}

/**
 * One writer's stream: its segments all there and non-empty (but for the oldest ones that a signed
 * retention entry says were removed), its chain keyed (unkeyed records only before its registration),
 * and every signed head that names it (its heads file, the writers registry, `given`) found in the
 * chain; a stream with records that the registry does not know fails.
 */
export async function verifyWriter(log: ChainLog, key: AuditKey, given: ExpectedHead[] = []): Promise<VerifyResult> {
  const writer = basename(log.dir);
  const registry = readRegistry(dirname(log.dir));
  const registered = checkHeads(key, parseHeads(registry.text), `audit/${REGISTRY_FILE}`);
  const own = checkHeads(key, parseHeads(readHeadsFile(headsPath(log.dir))), `${writer}/${HEADS_FILE}`, writer);
  if (registered.problem !== undefined) return streamFailure(registered.kind, registered.problem);
  if (own.problem !== undefined) return streamFailure(own.kind, own.problem);
  const mine = registered.heads.filter((head) => head.writer === writer && head.pruned_through === undefined);
  const registeredAt = mine.length ? Math.min(...mine.map((head) => head.seq)) : undefined;
  const starts = prunedStarts(registered.heads, writer);
  const missing = segmentProblem(log.dir, starts);
  if (missing) return missing;

  const result = await verifyChain(log.dir, log.rawEntries(), {
    key,
    heads: [...mine, ...own.heads, ...given],
    registeredAt,
    starts,
  });
  if (!result.ok || registeredAt !== undefined || result.records === 0) return result;
  const message =
    result.records > result.legacy || own.heads.length
      ? `no entry of the signed writers registry (audit/${REGISTRY_FILE}) knows ${writer}, which holds keyed records: the registry was deleted or rewritten`
      : registry.exists
        ? `${writer} holds unkeyed records but is not in the signed writers registry (audit/${REGISTRY_FILE}): it appeared after keyed audit began`
        : undefined;
  return message ? { ...streamFailure("unknown_stream", message), records: result.records } : result;
}

/**
 * Segments are numbered without gaps from 1, or from the first segment kept after a signed removal
 * (`starts`), and only the live (newest) one may be empty.
 */
function segmentProblem(dir: string, starts: ReadonlyMap<number, ChainEnd>): ChainFailure | undefined {
  const segments = listSegments(dir);
  const oldest = segments[0] ?? 1;
  // Missing oldest segments that no removal covers: the first of them after the last covered one.
  const first = starts.has(oldest) ? oldest : Math.max(1, ...[...starts.keys()].filter((start) => start < oldest));
  const gap = segments.findIndex((segment, i) => segment !== first + i);
  if (gap !== -1) return streamFailure("missing_segment", `segment ${segmentFileName(first + gap)} is missing`);
  const empty = segments.slice(0, -1).find((segment) => statSync(segmentPath(dir, segment)).size === 0);
  if (empty !== undefined) return streamFailure("empty_segment", `segment ${segmentFileName(empty)} is empty`);
  return undefined;
}

function checkHeads(
  key: AuditKey,
  parsed: { heads: unknown[]; bad: number[] },
  source: string,
  writer?: string,
): CheckedHeads {
  if (parsed.bad.length) return { kind: "bad_head", problem: `${source}: line ${parsed.bad[0]} does not parse` };
  const heads: (SignedHead & ExpectedHead)[] = [];
  for (const [i, value] of parsed.heads.entries()) {
    const problem = headProblem(key, value);
    const kind = (value as SignedHead | null)?.key_id === key.id ? "bad_head" : "wrong_key";
    if (problem) return { kind, problem: `${source}: head ${i + 1} ${problem}` };
    const head = value as SignedHead;
    if (writer && head.writer !== writer)
      return { kind: "bad_head", problem: `${source}: head ${i + 1} is ${head.writer}'s, not ${writer}'s` };
    heads.push({ ...head, source });
  }
  return { heads };
}

function streamFailure(problem: ChainFailure["problem"], message: string): ChainFailure {
  return { ok: false, records: 0, problem, seq: null, expected_seq: 1, message };
}

function bySlot(a: string, b: string): number {
  const n = (name: string) => Number(/(\d+)$/.exec(name)?.[1] ?? Infinity);
  return n(a) - n(b) || a.localeCompare(b);
}

/** The newest validly signed head of every writer (its heads file and the registry), for copying elsewhere. */
export function newestHeads(dataDir: string, key: AuditKey): SignedHead[] {
  const base = auditDir(dataDir);
  const sources = [
    checkHeads(key, parseHeads(readRegistry(base).text), `audit/${REGISTRY_FILE}`),
    ...slotDirs(base).map((dir) =>
      checkHeads(key, parseHeads(readHeadsFile(headsPath(dir))), `${basename(dir)}/${HEADS_FILE}`, basename(dir)),
    ),
  ];
  const newest = new Map<string, SignedHead>();
  for (const checked of sources)
    for (const { source: _source, ...head } of checked.problem === undefined ? checked.heads : [])
      if (head.seq >= (newest.get(head.writer)?.seq ?? 0)) newest.set(head.writer, head);
  return [...newest.values()].sort((a, b) => bySlot(a.writer, b.writer));
}
