import { closeSync, existsSync, fsyncSync, openSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isLocked, LogReader } from "../events/log/index.ts";
import { slotDirs } from "../events/writer-slots.ts";
import { GENESIS_HASH, type AuditRecord } from "./audit-record.ts";
import type { AuditKey } from "./audit-key.ts";
import { readHeadsFile } from "./head-log.ts";
import { parseHeads, signHead, type SignedHead } from "./signed-head.ts";

/**
 * `<data dir>/audit/writers.jsonl`: signed heads kept outside every writer's directory. A writer adds
 * one when it first opens its slot (its registration: the seq its keyed records start after) and one
 * when it closes, so a deleted writer directory, or a stream nobody registered, shows in `audit verify`.
 */
export const REGISTRY_FILE = "writers.jsonl";

export function registryPath(auditBase: string): string {
  return join(auditBase, REGISTRY_FILE);
}

export function readRegistry(auditBase: string): { exists: boolean; text: string } {
  const path = registryPath(auditBase);
  return { exists: existsSync(path), text: readHeadsFile(path) };
}

/**
 * Registers the writer of `dir` (whose last record is `last`) unless the registry knows it already.
 * The writer that creates the registry also registers the streams already there (logs written before
 * audit keys), pinning their unkeyed records to the hash they end with now.
 */
export async function registerWriter(dir: string, key: AuditKey, last: { seq: number; hash: string }): Promise<void> {
  const base = dirname(dir);
  const path = registryPath(base);
  const created = createIfAbsent(path);
  const known = new Set(parseHeads(readHeadsFile(path)).heads.map((head) => (head as SignedHead | null)?.writer));
  const entries: SignedHead[] = [];
  if (created)
    for (const other of slotDirs(base))
      if (other !== dir && !isLocked(other))
        entries.push(signHead(key, { writer: basename(other), ...(await lastOf(other)) }));
  if (!known.has(basename(dir))) entries.push(signHead(key, { writer: basename(dir), ...last }));
  if (entries.length) appendRegistry(base, entries);
}

/** Appends signed heads durably; appends of several writers interleave whole lines (O_APPEND). */
export function appendRegistry(auditBase: string, heads: SignedHead[]): void {
  const fd = openSync(registryPath(auditBase), "a", 0o600);
  try {
    writeSync(fd, heads.map((head) => `${JSON.stringify(head)}\n`).join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function createIfAbsent(path: string): boolean {
  try {
    closeSync(openSync(path, "wx", 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function lastOf(dir: string): Promise<{ seq: number; hash: string }> {
  const reader = new LogReader(dir);
  let last = { seq: 0, hash: GENESIS_HASH };
  try {
    for await (const raw of reader.rawEntries()) {
      try {
        const record = JSON.parse(raw.bytes.toString("utf8")) as AuditRecord;
        last = { seq: record.seq, hash: record.hash };
      } catch {
        // an edited line: skipped here, verify names it
      }
    }
  } finally {
    await reader.close();
  }
  return last;
}
