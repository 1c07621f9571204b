import { DamagedLogError } from "./log/damaged-log.ts";
import { InvalidCursorError, type IndexQuery } from "./index-query.ts";
import { readPresent } from "./log-index.ts";
import type { LogView } from "./log-view.ts";

/** A record's place in one of several slots: `stream` names the slot, the location is inside it. */
export interface MergedLocation {
  stream: string;
  segment: number;
  offset: number;
  length: number;
  /** The record's time (ms), as indexed. */
  ts: number;
}

export interface MergedEntry<T> extends MergedLocation {
  record: T;
}

export interface MergedPage<T> {
  entries: MergedEntry<T>[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export type MergedQuery = Omit<IndexQuery, "cursor"> & { cursor?: string };

/** Per slot: the index cursor to continue from, or null once the slot has nothing more. */
type SlotCursors = Record<string, string | null>;

/**
 * One page of locations over several slots' indexes, merged by time: each slot is asked for a page,
 * the first `limit` of the merge are kept, and the cursor remembers per slot how far it was taken.
 */
export function mergedLocations(
  views: LogView[],
  query: MergedQuery,
): { locations: MergedLocation[]; nextCursor?: string } {
  const cursors = query.cursor ? decodeCursor(query.cursor) : {};
  const pages: { view: LogView; hasMore: boolean; locations: MergedLocation[] }[] = [];
  for (const view of views) {
    const cursor = Object.hasOwn(cursors, view.name) ? cursors[view.name] : undefined;
    if (cursor === null) continue;
    const page = view.find({ ...query, cursor });
    pages.push({
      view,
      hasMore: page.nextCursor !== undefined,
      locations: page.locations.map((location) => ({ stream: view.name, ...location })),
    });
  }
  const { merged, counts } = mergeHeads(
    pages.map((page) => page.locations),
    query.order === "asc" ? 1 : -1,
    query.limit,
  );
  // Only the slots there are: a key the cursor made up is not handed back.
  const next: SlotCursors = Object.fromEntries(
    views.flatMap((view) => (Object.hasOwn(cursors, view.name) ? [[view.name, cursors[view.name]!]] : [])),
  );
  let more = false;
  for (const [i, { view, hasMore, locations }] of pages.entries()) {
    const last = locations[counts[i]! - 1];
    if (last) next[view.name] = `${last.segment}.${last.offset}`;
    if (hasMore || counts[i]! < locations.length) more = true;
    else next[view.name] = null;
  }
  return more ? { locations: merged, nextCursor: encodeCursor(next) } : { locations: merged };
}

/** `mergedLocations` with the records read (one positioned read each; those removed meanwhile left out). */
export async function mergedFind<T>(views: LogView[], query: MergedQuery): Promise<MergedPage<T>> {
  const page = mergedLocations(views, query);
  const entries = await readPresent(page.locations, (location) => readRecord<T>(views, location));
  return page.nextCursor === undefined ? { entries } : { entries, nextCursor: page.nextCursor };
}

/** Every matching location, oldest first, across all slots. */
export function allLocations(
  views: LogView[],
  query: Omit<MergedQuery, "limit" | "order" | "cursor">,
): MergedLocation[] {
  const all: MergedLocation[] = [];
  let cursor: string | undefined;
  do {
    const page = mergedLocations(views, { ...query, order: "asc", limit: 1000, cursor });
    all.push(...page.locations);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export async function readRecord<T>(views: LogView[], location: MergedLocation): Promise<T> {
  const line = await readLine(views, location);
  try {
    return JSON.parse(line.toString("utf8")) as T;
  } catch {
    const { stream, segment, offset } = location;
    throw new DamagedLogError(`${stream}: the record at segment ${segment} offset ${offset} does not parse`);
  }
}

/** The record's stored bytes, without the newline. */
export function readLine(views: LogView[], location: MergedLocation): Promise<Buffer> {
  const view = views.find((candidate) => candidate.name === location.stream);
  if (!view) throw new Error(`no event stream ${location.stream}`);
  return view.readRaw(location);
}

/**
 * K-way merge by time that keeps each slot's own order (a clock step back inside one slot cannot
 * reorder it), so what is taken from each slot is a prefix of its page; ties go to the earlier slot.
 */
function mergeHeads(
  lists: MergedLocation[][],
  sign: 1 | -1,
  limit: number,
): { merged: MergedLocation[]; counts: number[] } {
  const counts = lists.map(() => 0);
  const merged: MergedLocation[] = [];
  while (merged.length < limit) {
    let best = -1;
    for (const [i, list] of lists.entries()) {
      const head = list[counts[i]!];
      if (head && (best === -1 || sign * (head.ts - lists[best]![counts[best]!]!.ts) < 0)) best = i;
    }
    if (best === -1) break;
    merged.push(lists[best]![counts[best]!++]!);
  }
  return { merged, counts };
}

function encodeCursor(cursors: SlotCursors): string {
  return Buffer.from(JSON.stringify(cursors)).toString("base64url");
}

function decodeCursor(cursor: string): SlotCursors {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    // A slot's position is "segment.offset" or null (done); anything else was not handed out by a page.
    const valid = (slot: unknown) => slot === null || (typeof slot === "string" && /^\d+\.\d+$/.test(slot));
    if (value && typeof value === "object" && !Array.isArray(value) && Object.values(value).every(valid))
      return value as SlotCursors;
  } catch {
    // reported below
  }
  throw new InvalidCursorError(cursor);
}
