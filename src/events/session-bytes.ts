import type { LogView } from "./log-view.ts";
import { allLocations, readLine, type MergedLocation } from "./merged-query.ts";

/** A record placed in a session's byte stream: its lines concatenated in order, across writer slots. */
export interface PlacedRecord extends MergedLocation {
  start: number;
}

/**
 * The byte layout of one session's stream, from the index alone (no record is read): offsets into it
 * are stable while the session only grows, so a client continues from the last offset it received.
 * Records that retention removed keep their bytes at the start of the stream (`removed`), unreadable.
 */
export class SessionBytes {
  readonly records: PlacedRecord[];
  readonly removed: number;
  readonly total: number;

  constructor(
    private readonly views: LogView[],
    sessionId: string,
  ) {
    this.removed = views.reduce((sum, view) => sum + view.removedBytes(sessionId), 0);
    let start = this.removed;
    this.records = allLocations(views, { equals: { session_id: sessionId } }).map((location) => {
      const placed = { ...location, start };
      start += location.length;
      return placed;
    });
    this.total = start;
  }

  /** Whether `offset` is where a record starts (or the end of the stream). */
  isBoundary(offset: number): boolean {
    return offset === this.total || this.records.some((record) => record.start === offset);
  }

  /** The bytes [first, last] (inclusive, as in HTTP Range), reading only the records they overlap. */
  async read(first: number, last: number): Promise<Buffer> {
    const overlapping = this.records.filter((record) => record.start <= last && record.start + record.length > first);
    const lines = await Promise.all(
      overlapping.map(async (record) => Buffer.concat([await readLine(this.views, record), NEWLINE])),
    );
    const from = overlapping[0]?.start ?? first;
    return Buffer.concat(lines).subarray(first - from, last + 1 - from);
  }

  /** The records from `offset` (a record boundary), at most `limit` of them, and where the next call starts. */
  async readRecords(offset: number, limit: number): Promise<{ bytes: Buffer; next: number; count: number }> {
    const records = this.records.filter((record) => record.start >= offset).slice(0, limit);
    const last = records.at(-1);
    if (!last) return { bytes: Buffer.alloc(0), next: offset, count: 0 };
    const end = last.start + last.length;
    return { bytes: await this.read(offset, end - 1), next: end, count: records.length };
  }
}

const NEWLINE = Buffer.from("\n");
