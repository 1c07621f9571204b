// What a lookup in a log's index asks and gets (log-index.ts), the cursors its pages hand out, and the same
// lookup applied to rows held in memory: those a reader read from the log past the index's end.
import type { LogLocation, LogPosition } from "./log/index.ts";

/** What the index keeps of a record: its time (ms) and the values of the filterable columns, in their order. */
export interface IndexedFields {
  ts: number;
  values: (string | null)[];
}

export interface IndexQuery {
  equals?: Record<string, string | undefined>;
  /** Inclusive time bounds on the records' `ts`. */
  from?: string | Date;
  to?: string | Date;
  cursor?: string;
  limit: number;
  order: "asc" | "desc";
}

/** A record's location with the time the index keeps for it (ms). */
export interface IndexedLocation extends LogLocation {
  ts: number;
}

export interface IndexPage {
  locations: IndexedLocation[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** A record the index does not hold yet, with what it would hold of it. */
export interface UnindexedRow extends IndexedLocation, IndexedFields {}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  return a.segment - b.segment || a.offset - b.offset;
}

export function encodeCursor(position: LogPosition): string {
  return `${position.segment}.${position.offset}`;
}

/** A cursor that no page handed out: the caller's mistake, reported as such (HTTP 400, a CLI error). */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`invalid cursor ${JSON.stringify(cursor.slice(0, 40))}`);
  }
}

export function decodeCursor(cursor: string): LogPosition {
  const match = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new InvalidCursorError(cursor);
  return { segment: Number(match[1]), offset: Number(match[2]) };
}

/** `LogIndex.find`'s WHERE clause for a row held in memory; `columns` are the index's, in the rows' order. */
export function matchesQuery(row: UnindexedRow, query: IndexQuery, columns: readonly string[]): boolean {
  for (const [column, value] of Object.entries(query.equals ?? {}))
    if (value !== undefined && row.values[columns.indexOf(column)] !== value) return false;
  if (query.from !== undefined && row.ts < new Date(query.from).getTime()) return false;
  if (query.to !== undefined && row.ts > new Date(query.to).getTime()) return false;
  if (query.cursor) {
    const order = comparePositions(row, decodeCursor(query.cursor));
    if (query.order === "asc" ? order <= 0 : order >= 0) return false;
  }
  return true;
}
