/** Where a record starts: the segment number and the byte offset inside that segment file. */
export interface LogPosition {
  segment: number;
  offset: number;
}

/** A record's place on disk; `length` counts the record's bytes including its trailing newline. */
export interface LogLocation extends LogPosition {
  length: number;
}

export interface LogEntry<T> extends LogLocation {
  record: T;
}

/** A record line as stored (without its newline), for callers that hash or check the exact bytes. */
export interface RawEntry extends LogLocation {
  bytes: Buffer;
}

/** `always`: one fsync per record. Batched: appends within `batchMs` (or up to `maxBatch`) share one fsync. */
export type FsyncPolicy = "always" | { batchMs: number; maxBatch: number };

export interface LogOptions {
  fsync?: FsyncPolicy;
  /** A segment is closed and the next one started once appending would take it past this size. */
  segmentBytes?: number;
  /**
   * A segment is closed once its first record is this old (ms), so that idle logs get archivable
   * segments too: checked on append, on open, and by a timer while the writer is idle. Default: no limit.
   */
  segmentMaxAgeMs?: number;
  /** The clock segment ages are measured with (ms since the epoch); tests move it. */
  now?: () => number;
}

export interface FollowOptions {
  /** Where to start: the first record, the current end (default), or a known position. */
  from?: "start" | "end" | LogPosition;
  signal?: AbortSignal;
}

export interface LogStats {
  appends: number;
  fsyncs: number;
}
