import { statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { errorMessage } from "../../contracts/errors.ts";
import { listSegments, segmentFileName, segmentPath } from "./segment-files.ts";
import { syncDirectory } from "./sync-directory.ts";

/** `[logs] retention_days` and `max_bytes`, as the writer of a log applies them to its own closed segments. */
export interface RetentionPolicy {
  /** Closed segments whose last record was written longer ago than this (ms) are removed. */
  maxAgeMs?: number;
  /** Closed segments are removed, oldest first, while the bytes counted by `usedBytes` exceed this. */
  maxBytes?: number;
  /** The bytes `maxBytes` limits, e.g. every writer slot of the log's kind; default: this log's segments. */
  usedBytes?: () => number;
  /**
   * When archival is configured: the segments of `dir` archived so far (number → bytes). Only those are
   * removed; the first one that is not stops the removal, so what is kept stays one unbroken run.
   */
  archived?: (dir: string) => ReadonlyMap<number, number>;
  /** Runs with the segments about to be removed (oldest first) before any is; if it fails, all are kept. */
  beforeRemove?: (segments: number[]) => Promise<void> | void;
  /** Told once per log when segments past the limits are kept for want of archiving, and once when removal fails. */
  warn?: (message: string) => void;
}

interface SegmentFile {
  segment: number;
  bytes: number;
  modifiedMs: number;
}

/**
 * The closed segments (those numbered below `live`) past the policy's limits, oldest first, and the
 * first one past them that is kept because it is not archived yet. The live segment is never chosen.
 */
export function segmentsToRemove(
  dir: string,
  live: number,
  policy: RetentionPolicy,
  now: number,
): { remove: number[]; unarchived?: number } {
  const files: SegmentFile[] = listSegments(dir).map((segment) => {
    const stats = statSync(segmentPath(dir, segment));
    return { segment, bytes: stats.size, modifiedMs: stats.mtimeMs };
  });
  let used = policy.usedBytes?.() ?? files.reduce((sum, file) => sum + file.bytes, 0);
  const archived = policy.archived?.(dir);
  const remove: number[] = [];
  for (const file of files.filter((candidate) => candidate.segment < live)) {
    const tooOld = policy.maxAgeMs !== undefined && now - file.modifiedMs > policy.maxAgeMs;
    const tooBig = policy.maxBytes !== undefined && used > policy.maxBytes;
    if (!tooOld && !tooBig) break;
    if (archived && archived.get(file.segment) !== file.bytes) return { remove, unarchived: file.segment };
    remove.push(file.segment);
    used -= file.bytes;
  }
  return { remove };
}

/**
 * Applies a retention policy to one log directory whenever the writer asks (on open and when a segment
 * is closed). Runs one at a time, none asked for after `stop`, and never throws: a failure is reported once and
 * the segments stay for the next run. The file's mtime is its last record's time (segments are append-only).
 */
export class Retention {
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly warned = new Set<"unarchived" | "failed">();

  constructor(
    private readonly dir: string,
    private readonly policy: RetentionPolicy,
    private readonly now: () => number,
    /** Called before a segment file is removed, so that cached read handles let go of it. */
    private readonly forget: (path: string) => void,
  ) {}

  /** Removes what the policy says may go; `live()` is the live segment's number when the run starts. */
  run(live: () => number): Promise<void> {
    if (this.stopped) return this.running;
    this.running = this.running.then(() => this.removeOnce(live()).catch((error: unknown) => this.fail(error)));
    return this.running;
  }

  /** No run is taken after this; resolves once those asked for before are done. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.running;
  }

  private async removeOnce(live: number): Promise<void> {
    const { remove, unarchived } = segmentsToRemove(this.dir, live, this.policy, this.now());
    if (unarchived !== undefined) this.warnOnce("unarchived", this.unarchivedMessage(unarchived));
    if (remove.length === 0) return;
    await this.policy.beforeRemove?.(remove);
    for (const segment of remove) {
      const path = segmentPath(this.dir, segment);
      this.forget(path);
      await rm(path, { force: true });
    }
    await syncDirectory(this.dir);
  }

  private unarchivedMessage(segment: number): string {
    return `${this.dir}: segment ${segmentFileName(segment)} and the ones after it are past [logs] retention_days or max_bytes but not archived yet; they are kept until \`codetether archive push\` has sent them`;
  }

  private fail(error: unknown): void {
    this.warnOnce("failed", `${this.dir}: old segments could not be removed: ${errorMessage(error)}`);
  }

  private warnOnce(kind: "unarchived" | "failed", message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.policy.warn?.(message);
  }
}
