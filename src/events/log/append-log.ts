import { GroupCommitWriter, type CommitWindow } from "./group-commit.ts";
import { privateDir } from "../../storage/private-files.ts";
import { ReadHandles } from "./read-handles.ts";
import { Retention, type RetentionPolicy } from "./retention.ts";
import { listSegments, segmentCreatedAt, segmentPath } from "./segment-files.ts";
import { DamagedLogError } from "./damaged-log.ts";
import { readLastLine, readLineAt, scanPresentLines } from "./segment-reader.ts";
import { truncateTornTail } from "./torn-tail.ts";
import type { FollowOptions, LogEntry, LogLocation, LogOptions, LogPosition, LogStats, RawEntry } from "./types.ts";
import { acquireWriterLock } from "./writer-lock.ts";

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit: a longer wait is done in several

/** Opens (creating if needed) the log in `dir` for appending, after cutting away a torn tail left by a crash. */
export async function openLog<T = unknown>(dir: string, options: LogOptions = {}): Promise<AppendLog<T>> {
  privateDir(dir);
  const releaseLock = acquireWriterLock(dir);
  let log: AppendLog<T>;
  try {
    const active = listSegments(dir).at(-1);
    const path = active === undefined ? undefined : segmentPath(dir, active);
    const size = path === undefined ? 0 : await truncateTornTail(path);
    const started = path !== undefined && size > 0 ? segmentCreatedAt(path) : undefined;
    log = new AppendLog<T>(dir, options, { segment: active ?? 1, offset: size }, releaseLock, started);
  } catch (error) {
    releaseLock();
    throw error;
  }
  // A log reopened after its live segment's age ran out (a day later, say) closes that segment now.
  await log.sealIfAged().catch(async (error: unknown) => {
    await log.close();
    throw error;
  });
  return log;
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
  private readonly segmentMaxAgeMs: number;
  private readonly now: () => number;
  private segmentStarted: number | undefined; // when the tail segment got its first record; unset while it has none
  private ageTimer: NodeJS.Timeout | undefined;
  private sealing: Promise<void> = Promise.resolve();
  private tail: LogPosition; // where the next record goes (may be ahead of what is durable)
  private committed: LogPosition; // end of the durable prefix
  private commits = 0;
  private appends = 0;
  private closing: Promise<void> | undefined;
  private closed = false;
  private retention: Retention | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly dir: string,
    options: LogOptions,
    end: LogPosition,
    private readonly releaseLock: () => void,
    /** When the segment at `end` was started, if it holds records. */
    segmentStarted?: number,
  ) {
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.segmentMaxAgeMs = options.segmentMaxAgeMs ?? Infinity;
    this.now = options.now ?? Date.now;
    this.tail = { ...end };
    this.committed = { ...end };
    this.writer = new GroupCommitWriter(dir, commitWindow(options), (last) => this.markCommitted(last));
    if (end.offset > 0) this.startSegmentClock(segmentStarted ?? this.now());
  }

  /** Resolves once the record's bytes are fsynced; the location is where `read` finds it. */
  append(record: T): Promise<LogLocation> {
    if (this.closing) return Promise.reject(new Error(`log ${this.dir} is closed`));
    const json = JSON.stringify(record);
    if (typeof json !== "string") return Promise.reject(new TypeError("a log record must be a JSON value"));
    const bytes = Buffer.from(`${json}\n`);
    if (this.tail.offset > 0 && (this.tail.offset + bytes.length > this.segmentBytes || this.segmentAged())) {
      this.nextSegment();
    }
    if (this.tail.offset === 0) this.startSegmentClock(this.now());
    const location = { segment: this.tail.segment, offset: this.tail.offset, length: bytes.length };
    this.tail.offset += bytes.length;
    this.appends++;
    return this.writer.write(location, bytes).then(() => location);
  }

  /**
   * Closes the live segment: later appends go to a new one, and the sealed segment, no longer the
   * newest, is one that archival takes. Resolves once the sealed segment's records are durable and its
   * (empty) successor exists. A live segment without records is left as it is.
   */
  seal(): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`log ${this.dir} is closed`));
    if (this.tail.offset === 0) return this.sealing;
    this.nextSegment();
    // An empty write: queued behind every pending append, it creates the next segment's file durably.
    this.sealing = this.writer.write({ ...this.tail, length: 0 }, Buffer.alloc(0));
    return this.sealing;
  }

  /** Seals the live segment once its first record is `segmentMaxAgeMs` old; until then looks again when it will be. */
  sealIfAged(): Promise<void> {
    if (this.segmentStarted === undefined || this.closing) return Promise.resolve();
    if (this.segmentAged()) return this.seal();
    this.scheduleAgeCheck(); // the timer fired early: the wait was longer than setTimeout allows
    return Promise.resolve();
  }

  /**
   * From now on removes closed segments past the policy's limits: now, and whenever a segment is
   * closed. Resolves once this first removal is done (it never rejects: failures are warned of).
   */
  retain(policy: RetentionPolicy): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.retention = new Retention(this.dir, policy, this.now, (path) => this.readHandles.forget(path));
    return this.retention.run(() => this.committed.segment);
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
    return this.readHandles.use(segmentPath(this.dir, segment), (handle) =>
      readLineAt(handle, segment, offset, length),
    );
  }

  /** The records of one segment starting in the byte range [start, end). */
  async readRange(segment: number, start: number, end: number): Promise<LogEntry<T>[]> {
    const entries: LogEntry<T>[] = [];
    for await (const raw of scanPresentLines(
      segmentPath(this.dir, segment),
      segment,
      start,
      Math.min(end, this.segmentEnd(segment)),
    )) {
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
      yield* scanPresentLines(segmentPath(this.dir, segment), segment, start, this.segmentEnd(segment));
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
    clearTimeout(this.ageTimer);
    this.closing ??= this.writer.close().finally(async () => {
      await this.retention?.stop(); // before the lock goes: only the slot's owner removes its segments
      await this.readHandles.closeAll();
      this.closed = true;
      this.releaseLock();
      this.wakeFollowers();
    });
    return this.closing;
  }

  private nextSegment(): void {
    this.tail = { segment: this.tail.segment + 1, offset: 0 };
    this.segmentStarted = undefined;
    clearTimeout(this.ageTimer);
  }

  private startSegmentClock(started: number): void {
    this.segmentStarted = started;
    this.scheduleAgeCheck();
  }

  private segmentAged(): boolean {
    return this.segmentStarted !== undefined && this.now() - this.segmentStarted >= this.segmentMaxAgeMs;
  }

  /** A writer left idle still seals its segment on time; unref'd, so the timer keeps no process alive. */
  private scheduleAgeCheck(): void {
    clearTimeout(this.ageTimer);
    const left = this.segmentStarted! + this.segmentMaxAgeMs - this.now();
    if (!Number.isFinite(left)) return;
    // A failed seal fails the writer, and the next append reports it.
    const check = () => void this.sealIfAged().catch(() => undefined);
    this.ageTimer = setTimeout(check, Math.max(0, Math.min(left, MAX_TIMER_MS))).unref();
  }

  private segmentEnd(segment: number): number {
    return segment === this.committed.segment ? this.committed.offset : Infinity;
  }

  private markCommitted(last: LogLocation): void {
    const closedOne = last.segment > this.committed.segment;
    this.committed = { segment: last.segment, offset: last.offset + last.length };
    // Every record of the segments before this one is durable now: they are closed for good.
    if (closedOne) void this.retention?.run(() => this.committed.segment);
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
  return fsync === "always"
    ? { batchMs: 0, maxBatch: 1 }
    : { batchMs: fsync.batchMs, maxBatch: Math.max(1, fsync.maxBatch) };
}

function toEntry<T>(raw: RawEntry): LogEntry<T> {
  return { segment: raw.segment, offset: raw.offset, length: raw.length, record: parseLine<T>(raw.bytes, raw) };
}

function parseLine<T>(line: Buffer, where: LogPosition): T {
  try {
    return JSON.parse(line.toString("utf8")) as T;
  } catch {
    throw new DamagedLogError(`the record at segment ${where.segment} offset ${where.offset} does not parse`);
  }
}
