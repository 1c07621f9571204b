import { mkdirSync } from "node:fs";
import { GroupCommitWriter, type CommitWindow } from "./group-commit.ts";
import { ReadHandles } from "./read-handles.ts";
import { listSegments, segmentPath } from "./segment-files.ts";
import { readLastLine, readLineAt, scanLines } from "./segment-reader.ts";
import { truncateTornTail } from "./torn-tail.ts";
import type { FollowOptions, LogEntry, LogLocation, LogOptions, LogPosition, LogStats, RawEntry } from "./types.ts";
import { acquireWriterLock } from "./writer-lock.ts";

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** Opens (creating if needed) the log in `dir` for appending, after cutting away a torn tail left by a crash. */
export async function openLog<T = unknown>(dir: string, options: LogOptions = {}): Promise<AppendLog<T>> {
  mkdirSync(dir, { recursive: true });
  const releaseLock = acquireWriterLock(dir);
  try {
    const active = listSegments(dir).at(-1);
    const size = active === undefined ? 0 : await truncateTornTail(segmentPath(dir, active));
    return new AppendLog<T>(dir, options, { segment: active ?? 1, offset: size }, releaseLock);
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * An append-only JSONL log split into numbered segments. Positions are assigned in call order, so
 * the file order is the order of `append` calls; a position is handed out only once durable.
 * Readers only ever see durable records.
 */
export class AppendLog<T = unknown> {
  private readonly writer: GroupCommitWriter;
  private readonly readHandles = new ReadHandles();
  private readonly segmentBytes: number;
  private tail: LogPosition; // where the next record goes (may be ahead of what is durable)
  private committed: LogPosition; // end of the durable prefix
  private commits = 0;
  private appends = 0;
  private closing: Promise<void> | undefined;
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly dir: string,
    options: LogOptions,
    end: LogPosition,
    private readonly releaseLock: () => void,
  ) {
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.tail = { ...end };
    this.committed = { ...end };
    this.writer = new GroupCommitWriter(dir, commitWindow(options), (last) => this.markCommitted(last));
  }

  /** Resolves once the record's bytes are fsynced; the location is where `read` finds it. */
  append(record: T): Promise<LogLocation> {
    if (this.closing) return Promise.reject(new Error(`log ${this.dir} is closed`));
    const json = JSON.stringify(record);
    if (typeof json !== "string") return Promise.reject(new TypeError("a log record must be a JSON value"));
    const bytes = Buffer.from(`${json}\n`);
    if (this.tail.offset > 0 && this.tail.offset + bytes.length > this.segmentBytes) {
      this.tail = { segment: this.tail.segment + 1, offset: 0 };
    }
    const location = { segment: this.tail.segment, offset: this.tail.offset, length: bytes.length };
    this.tail.offset += bytes.length;
    this.appends++;
    return this.writer.write(location, bytes).then(() => location);
  }

  /** Makes queued appends durable without waiting out the batch window; their promises settle as usual. */
  commitNow(): void {
    this.writer.commitNow();
  }

  /** One record by position; passing the `length` from `append` makes it a single read. */
  async read(position: LogPosition & { length?: number }): Promise<T> {
    return parseLine<T>(await this.readRaw(position), position);
  }

  async readRaw(position: LogPosition & { length?: number }): Promise<Buffer> {
    const { segment, offset, length } = position;
    return this.readHandles.use(segmentPath(this.dir, segment), (handle) => readLineAt(handle, segment, offset, length));
  }

  /** The records of one segment starting in the byte range [start, end). */
  async readRange(segment: number, start: number, end: number): Promise<LogEntry<T>[]> {
    const entries: LogEntry<T>[] = [];
    for await (const raw of scanLines(segmentPath(this.dir, segment), segment, start, Math.min(end, this.segmentEnd(segment)))) {
      entries.push(toEntry<T>(raw));
    }
    return entries;
  }

  /** Every durable record from `from` (default: the first) in log order. */
  async *entries(from?: LogPosition): AsyncGenerator<LogEntry<T>> {
    for await (const raw of this.rawEntries(from)) yield toEntry<T>(raw);
  }

  async *rawEntries(from: LogPosition = { segment: 0, offset: 0 }): AsyncGenerator<RawEntry> {
    for (const segment of listSegments(this.dir)) {
      if (segment < from.segment) continue;
      if (segment > this.committed.segment) break;
      const start = segment === from.segment ? from.offset : 0;
      yield* scanLines(segmentPath(this.dir, segment), segment, start, this.segmentEnd(segment));
    }
  }

  /** Yields records as they become durable, waiting for more; ends when `signal` aborts or the log closes. */
  async *follow(options: FollowOptions = {}): AsyncGenerator<LogEntry<T>> {
    const { signal } = options;
    const from = options.from ?? "end";
    let position = from === "start" ? { segment: 0, offset: 0 } : from === "end" ? this.end() : from;
    for (;;) {
      const seen = this.commits;
      // Closed before this drain began: nothing can commit after it, so the drain sees everything durable.
      const finalDrain = this.closed;
      for await (const raw of this.rawEntries(position)) {
        if (signal?.aborted) return;
        yield toEntry<T>(raw);
        position = { segment: raw.segment, offset: raw.offset + raw.length };
      }
      if (finalDrain || signal?.aborted) return;
      if (this.commits === seen && !this.closed) await this.nextCommit(signal);
    }
  }

  /** The newest durable record, found by reading backwards from the end (no scan). */
  async last(): Promise<LogEntry<T> | undefined> {
    const segments = listSegments(this.dir).filter((segment) => segment <= this.committed.segment);
    for (const segment of segments.reverse()) {
      const end = this.segmentEnd(segment);
      const raw = await this.readHandles.use(segmentPath(this.dir, segment), async (handle) =>
        readLastLine(handle, segment, end === Infinity ? (await handle.stat()).size : end),
      );
      if (raw) return toEntry<T>(raw);
    }
    return undefined;
  }

  /** Position just past the last durable record. */
  end(): LogPosition {
    return { ...this.committed };
  }

  segments(): number[] {
    return listSegments(this.dir);
  }

  stats(): LogStats {
    return { appends: this.appends, fsyncs: this.writer.fsyncs };
  }

  /** Waits for queued appends to become durable, then releases the directory. */
  close(): Promise<void> {
    this.closing ??= this.writer.close().finally(async () => {
      await this.readHandles.closeAll();
      this.closed = true;
      this.releaseLock();
      this.wakeFollowers();
    });
    return this.closing;
  }

  private segmentEnd(segment: number): number {
    return segment === this.committed.segment ? this.committed.offset : Infinity;
  }

  private markCommitted(last: LogLocation): void {
    this.committed = { segment: last.segment, offset: last.offset + last.length };
    this.commits++;
    this.wakeFollowers();
  }

  private wakeFollowers(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private nextCommit(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        signal?.removeEventListener("abort", wake);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener("abort", wake, { once: true });
    });
  }
}

function commitWindow(options: LogOptions): CommitWindow {
  const fsync = options.fsync ?? "always";
  return fsync === "always" ? { batchMs: 0, maxBatch: 1 } : { batchMs: fsync.batchMs, maxBatch: Math.max(1, fsync.maxBatch) };
}

function toEntry<T>(raw: RawEntry): LogEntry<T> {
  return { segment: raw.segment, offset: raw.offset, length: raw.length, record: parseLine<T>(raw.bytes, raw) };
}

function parseLine<T>(line: Buffer, where: LogPosition): T {
  try {
    return JSON.parse(line.toString("utf8")) as T;
  } catch {
    throw new Error(`corrupt record at segment ${where.segment} offset ${where.offset}`);
  }
}
