import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { segmentPath } from "./segment-files.ts";
import { syncDirectory } from "./sync-directory.ts";
import type { LogLocation } from "./types.ts";

interface PendingWrite {
  location: LogLocation;
  bytes: Buffer;
  resolve(): void;
  reject(error: unknown): void;
}

export interface CommitWindow {
  batchMs: number;
  maxBatch: number;
}

/**
 * The write path: queues encoded records and settles them only after an fsync covering their bytes.
 * Records that arrive within one window share a single write and fsync (group commit); with
 * `maxBatch: 1` every record gets its own. After a failed write or fsync the file's state is unknown,
 * so the writer refuses everything from then on rather than acknowledge records on top of a hole.
 */
export class GroupCommitWriter {
  fsyncs = 0;
  private pending: PendingWrite[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private file: { segment: number; handle: FileHandle } | undefined;
  private failure: unknown;

  constructor(
    private readonly dir: string,
    private readonly window: CommitWindow,
    private readonly onCommit: (last: LogLocation) => void,
  ) {}

  write(location: LogLocation, bytes: Buffer): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ location, bytes, resolve, reject });
      this.schedule();
    });
  }

  /** Commits what is queued now rather than at the end of the batch window (e.g. when a run ends). */
  commitNow(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.flushing) this.startFlush();
  }

  /** Flushes everything queued, then closes the segment file. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || (this.pending.length && this.failure === undefined)) {
      if (!this.flushing) this.startFlush();
      await this.flushing;
    }
    await this.file?.handle.close();
    this.file = undefined;
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush reschedules what is left when it ends
    if (this.pending.length >= this.window.maxBatch || this.window.batchMs <= 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startFlush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (!this.flushing) this.startFlush();
      }, this.window.batchMs);
    }
  }

  private startFlush(): void {
    const batch = this.pending.splice(0, this.window.maxBatch);
    this.flushing = this.flush(batch).finally(() => {
      this.flushing = undefined;
      if (this.pending.length) this.schedule();
    });
  }

  private async flush(batch: PendingWrite[]): Promise<void> {
    try {
      // A batch can straddle a rotation: each segment is written and fsynced before the next is
      // touched, so only the newest segment can ever hold a torn tail.
      for (const group of groupBySegment(batch)) {
        const handle = await this.handleFor(group[0]!.location.segment);
        await writeAll(handle, Buffer.concat(group.map((write) => write.bytes)));
        await handle.datasync();
        this.fsyncs++;
      }
      this.onCommit(batch[batch.length - 1]!.location);
      for (const write of batch) write.resolve();
    } catch (error) {
      this.failure = error;
      for (const write of [...batch, ...this.pending.splice(0)]) write.reject(error);
    }
  }

  private async handleFor(segment: number): Promise<FileHandle> {
    if (this.file?.segment === segment) return this.file.handle;
    await this.file?.handle.close();
    this.file = undefined;
    const path = segmentPath(this.dir, segment);
    const handle = await open(path, "a", 0o600);
    this.file = { segment, handle };
    await syncDirectory(dirname(path)); // makes a newly created segment's name survive a crash
    return handle;
  }
}

function groupBySegment(batch: PendingWrite[]): PendingWrite[][] {
  const groups: PendingWrite[][] = [];
  for (const write of batch) {
    const current = groups[groups.length - 1];
    if (current && current[0]!.location.segment === write.location.segment) current.push(write);
    else groups.push([write]);
  }
  return groups;
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}
